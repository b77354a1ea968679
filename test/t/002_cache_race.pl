# test/t/002_cache_race.pl
#
# The no-op cache against concurrent DDL.  An unchanged re-registration is
# answered from cmodel.reg_applied while the namespace's generation is
# unchanged; a full (uncached) registration locks its reg_namespace row FOR
# UPDATE before it reads the catalogs, and the event triggers bump that row
# for any DDL in the namespace.  So DDL committed by another session while a
# full check runs is either seen by the check, or moves the generation past
# the cache entry the check writes.  Either way no cache entry may vouch for a
# schema that lost a column.
#
# Namespace "race" holds $nmodels models, each with an integer field "f" and
# $nfields text fields, so a full check takes a noticeable time.  In each of
# $rounds rounds session A runs a full-check registration of the whole set
# (the same descriptors with extra trailing spaces: a cache miss) while
# session B drops column f of one model (a different one each round).  The
# rounds force each interleaving in turn:
#
#   a_first  B waits until A holds its namespace row lock, then drops: B's
#            generation bump waits for A's commit, so A cannot see the drop
#            and must not re-add the column;
#   b_first  B drops inside an open transaction and commits only once A waits
#            behind it: A must see the drop and re-add the column;
#   timed    B starts a fixed fraction of a full check's duration after A:
#            whichever interleaving the timing gives.
#
# After both sessions end, A's exact call is made again: it is the call the
# cache could wrongly answer.  It must re-add the column unless A already
# did; then the column exists and the canonical set plans nothing.
#
# Last, the same for DDL on a core table (see "Core tables" below): a
# registration must read the core tables under its namespace row lock too.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time usleep);

my $nmodels = 400;
my $nfields = 24;    # text fields per model, besides "f"
my $rounds = 15;     # a_first, b_first, timed in turn
my $ns = 'race';

my $node = PostgreSQL::Test::Cluster->new('race');
$node->init;
# Log lock waits, so the log tells which rounds had B wait for A.
$node->append_conf('postgresql.conf',
	"log_lock_waits = on\ndeadlock_timeout = '20ms'\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION cmodel');
# pgrowlocks (contrib) lets session B see A's row lock on reg_namespace.
$node->safe_psql('postgres', 'CREATE EXTENSION pgrowlocks');

# The canonical model set, kept in a table so the session scripts stay small.
my @models;
for my $i (1 .. $nmodels)
{
	my @f = (qq({"name": "f", "type": "IntegerField"}));
	push @f, map { qq({"name": "c$_", "type": "TextField"}) } 1 .. $nfields;
	push @models, qq({"name": "M$i", "fields": [) . join(', ', @f) . ']}';
}
$node->safe_psql('postgres',
	    "CREATE TABLE public.race_canon (j text);\n"
	  . "INSERT INTO public.race_canon VALUES (\$cm\$["
	  . join(",\n ", @models)
	  . "]\$cm\$)");

# A registration of the set with $pad trailing spaces (0: the canonical
# text): only the spacing differs, so each $pad is its own cache key.
sub register_call
{
	my ($pad) = @_;
	return "cmodel_register_models('$ns', "
	  . "(SELECT j FROM public.race_canon) || repeat(' ', $pad))";
}

# The same as a query: one "action|object" line per action.
sub register_sql
{
	my ($pad) = @_;
	return "SELECT action || '|' || object FROM "
	  . register_call($pad)
	  . " ORDER BY 1;\n";
}

is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FILTER (WHERE action = 'create model'),"
		  . " count(*) FILTER (WHERE action <> 'create trigger'),"
		  . " count(*) FILTER (WHERE action = 'create trigger') FROM "
		  . register_call(0)),
	"$nmodels|" . ($nmodels + 2) . "|" . ($nmodels + 1),
	"$nmodels models created (and the namespace and its hub store), each with its write trigger");
is($node->safe_psql('postgres', register_sql(0)),
	'', 'the canonical set registered again plans nothing');

# How long a full check (cache miss, nothing to do) takes.
my $t0 = time;
is($node->safe_psql('postgres', register_sql(1000)),
	'', 'a full check of the unchanged set plans nothing');
my $full = time - $t0;
note(sprintf('full check: %.3f s', $full));

my $dir = PostgreSQL::Test::Utils::tempdir;

# Run psql on a script in the background, under an application_name.
sub start_psql
{
	my ($name, $sql) = @_;
	my $file = "$dir/$name.sql";
	unlink $file;
	PostgreSQL::Test::Utils::append_to_file($file, $sql);
	my ($out, $err) = ('', '');
	my @cmd = (
		$node->installed_command('psql'), '-X', '-q', '-A', '-t',
		'-v', 'ON_ERROR_STOP=1',
		'-d', $node->connstr('postgres') . " application_name=$name",
		'-f', $file);
	my $h = IPC::Run::start(\@cmd, '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return { name => $name, h => $h, out => \$out, err => \$err };
}

# Wait for a session; check it exited 0 without errors; return its stdout.
sub finish_psql
{
	my ($s, $label) = @_;
	my $finished = eval { $s->{h}->finish; 1 };
	my $status = $finished ? $s->{h}->result(0) : -1;
	is($status, 0, "$label: psql exited 0")
	  or diag("$label stderr:\n" . ${ $s->{err} });
	unlike(${ $s->{err} }, qr/ERROR|FATAL|deadlock/, "$label: no errors");
	my $out = ${ $s->{out} };
	chomp $out;
	return $out;
}

# B's wait loops give up after this long rather than hang.
my $wait_limit = "interval '$PostgreSQL::Test::Utils::timeout_default s'";

my %readded = (a => 0, rerun => 0);
my $b_waited = 0;
my @modes = ('a_first', 'b_first', 'timed');
my $ntimed = int(($rounds + 2) / 3);
my $timed_seen = 0;

for my $r (1 .. $rounds)
{
	my $mode = $modes[ ($r - 1) % 3 ];
	my $m = 1 + (($r * 97) % $nmodels);    # a different model each round
	my $tbl = "$ns.m$m";
	my $want = "add field|$tbl.f";
	my $label = "round $r ($mode, $tbl)";
	my $a_sql = register_sql($r);
	my $log_offset = -s $node->logfile;
	my ($a, $b);

	if ($mode eq 'a_first')
	{
		# B polls pgrowlocks until A's FOR UPDATE lock on its namespace row
		# shows, then drops the column in its own transaction.
		$b = start_psql(
			"race_b_$r", qq{
DO \$\$
DECLARE
    deadline timestamptz := clock_timestamp() + $wait_limit;
BEGIN
    WHILE NOT EXISTS (SELECT 1 FROM public.pgrowlocks('cmodel.reg_namespace')) LOOP
        IF clock_timestamp() > deadline THEN
            RAISE EXCEPTION 'session A never locked its namespace row';
        END IF;
        PERFORM pg_sleep(0.001);
    END LOOP;
END
\$\$;
SET cmodel.allow_destructive_ddl = on;
ALTER TABLE $tbl DROP COLUMN f;
});
		ok( $node->poll_query_until(
				'postgres',
				"SELECT EXISTS (SELECT 1 FROM pg_stat_activity "
				  . "WHERE application_name = 'race_b_$r' AND state = 'active' "
				  . "AND ltrim(query, E' \\n') LIKE 'DO%')"),
			"$label: B waits for A's row lock");
		$a = start_psql("race_a_$r", $a_sql);
	}
	elsif ($mode eq 'b_first')
	{
		# B drops the column and holds its transaction open (with the
		# namespace row its event trigger updated) until a session waits
		# behind it, then commits.
		$b = start_psql(
			"race_b_$r", qq{
BEGIN;
SET cmodel.allow_destructive_ddl = on;
ALTER TABLE $tbl DROP COLUMN f;
DO \$\$
DECLARE
    deadline timestamptz := clock_timestamp() + $wait_limit;
BEGIN
    WHILE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_locks l
                       WHERE NOT l.granted
                         AND pg_backend_pid() = ANY (pg_catalog.pg_blocking_pids(l.pid))) LOOP
        IF clock_timestamp() > deadline THEN
            RAISE EXCEPTION 'session A never waited for session B';
        END IF;
        PERFORM pg_sleep(0.001);
    END LOOP;
END
\$\$;
COMMIT;
});
		ok( $node->poll_query_until(
				'postgres',
				"SELECT EXISTS (SELECT 1 FROM pg_stat_activity "
				  . "WHERE application_name = 'race_b_$r' AND state = 'active' "
				  . "AND ltrim(query, E' \\n') LIKE 'DO%')"),
			"$label: B dropped the column and holds its transaction open");
		$a = start_psql("race_a_$r", $a_sql);
	}
	else
	{
		# B starts a fraction (0, 1/(n-1), ..., 1) of a full check's duration
		# after A.
		my $frac = $ntimed > 1 ? $timed_seen / ($ntimed - 1) : 0.5;
		$timed_seen++;
		$a = start_psql("race_a_$r", $a_sql);
		usleep(int($frac * $full * 1_000_000));
		$b = start_psql("race_b_$r", "SET cmodel.allow_destructive_ddl = on;\nALTER TABLE $tbl DROP COLUMN f;\n");
	}

	my $a_out = finish_psql($a, "$label: session A");
	finish_psql($b, "$label: session B");

	# A's actions: none, or exactly the re-added column.
	ok($a_out eq '' || $a_out eq $want,
		"$label: session A did nothing, or re-added the column")
	  or diag("session A returned:\n$a_out");
	my $a_readded = $a_out eq $want;
	if ($mode eq 'a_first')
	{
		ok(!$a_readded, "$label: A did not see the drop B committed after it");
	}
	elsif ($mode eq 'b_first')
	{
		ok($a_readded, "$label: A saw the drop B committed before its check");
	}

	# The key check: A's exact call again.  Had A's cache entry survived B's
	# drop it would answer "nothing to do" with the column missing.
	my $rerun = $node->safe_psql('postgres', $a_sql);
	is($rerun, $a_readded ? '' : $want,
		$a_readded
		? "$label: A's call again plans nothing (A re-added the column)"
		: "$label: A's call again re-adds the column (the cache did not vouch for the drop)"
	);

	is( $node->safe_psql(
			'postgres', qq{
			SELECT format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute
			 WHERE attrelid = '$tbl'::regclass AND attname = 'f' AND NOT attisdropped}),
		'integer',
		"$label: column f exists again");
	is($node->safe_psql('postgres', register_sql(0)),
		'', "$label: the canonical set plans nothing");

	$readded{ $a_readded ? 'a' : 'rerun' }++;
	my $log = slurp_file($node->logfile, $log_offset);
	$b_waited++ if $log =~ /race_b_$r .*still waiting for/;
}

note("column re-added by session A in $readded{a} rounds, "
	  . "by the call made again in $readded{rerun}; "
	  . "B waited for a lock in $b_waited of $rounds rounds");

# Core tables.  Relations to a core model take the core table's key, so DDL
# on a core table moves every namespace's generation, and a full check must
# read the core tables only once it holds its namespace row lock too: DDL on
# a core table committed after the core tables were read but before the
# lock was taken would be neither seen by the check nor ordered after its
# cache entry.  Session C makes that window wide by holding FOR KEY SHARE on
# the namespace row: A's FOR UPDATE waits for it, B's generation bump (FOR
# NO KEY UPDATE) does not.  B renames the core key column while A waits; A,
# and A's call made again, must then report the missing key, not a cached
# no-op.
$node->safe_psql(
	'postgres', q{
CREATE TABLE public.staff (dbid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, id text);
SELECT cmodel_register_core_model('Staff', 'public.staff', 'dbid');
});
my $note =
    '{"name": "Note", "fields": [{"name": "body", "type": "TextField"}, '
  . '{"name": "author", "type": "ForeignKey", "to": "Staff", "on_delete": "SET_NULL", '
  . '"related_name": "race_core_notes"}]}';
my $note_sql = sub {
	my ($pad) = @_;
	return "SELECT action || '|' || object FROM cmodel_register_model('race_core', "
	  . "'$note' || repeat(' ', $pad)) ORDER BY 1;\n";
};
like($node->safe_psql('postgres', $note_sql->(0)),
	qr/^create hub store\|race_core\.cmodel_hubs\ncreate index\|.*\ncreate model\|race_core\.note\ncreate namespace\|race_core\n(create trigger\|.*\n?){4}$/,
	'core race: Note registered, with a ForeignKey to core model Staff');

my $c = $node->background_psql('postgres');
$c->query_safe('BEGIN');
$c->query_safe(
	"SELECT 1 FROM cmodel.reg_namespace WHERE namespace = 'race_core' FOR KEY SHARE");
my $core_a = start_psql('race_core_a', $note_sql->(1));
ok( $node->poll_query_until(
		'postgres', q{
		SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		                WHERE a.application_name = 'race_core_a' AND NOT l.granted)}),
	'core race: A waits for its namespace row lock');
my ($ret, $out, $err) = $node->psql('postgres',
	'ALTER TABLE public.staff RENAME COLUMN dbid TO dbid2',
	timeout => $PostgreSQL::Test::Utils::timeout_default);
is($ret, 0, 'core race: B renamed the core key column while A waits')
  or diag($err);
$c->query_safe('COMMIT');
$c->quit;
eval { $core_a->{h}->finish; };
like(${ $core_a->{err} }, qr/to_field "dbid" does not exist/,
	'core race: A read the core tables after B renamed the key');

($ret, $out, $err) = $node->psql('postgres', $note_sql->(1));
like($err, qr/to_field "dbid" does not exist/,
	"core race: A's call again reports the renamed key, not a cached no-op");
($ret, $out, $err) = $node->psql('postgres', $note_sql->(2));
like($err, qr/to_field "dbid" does not exist/,
	'core race: so does a call with other spacing');

$node->safe_psql('postgres', 'ALTER TABLE public.staff RENAME COLUMN dbid2 TO dbid');
is($node->safe_psql('postgres', $note_sql->(1)),
	'', 'core race: with the key column back, A\'s call plans nothing');

# Every table has its column f, and registry and tables agree.
is( $node->safe_psql(
		'postgres', qq{
		SELECT count(*) FROM pg_catalog.pg_attribute a
		  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
		 WHERE c.relnamespace = '$ns'::regnamespace AND c.relkind = 'r'
		   AND a.attname = 'f' AND NOT a.attisdropped}),
	$nmodels,
	"every table of $ns has column f");
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FROM cmodel_plan_models('$ns', (SELECT j FROM public.race_canon) || ' ')"
	),
	'0',
	'the set is fully registered');

unlike(slurp_file($node->logfile), qr/deadlock detected/,
	'no deadlock in the server log');

$node->stop;
done_testing();
