# test/t/001_concurrent_register.pl
#
# Concurrent registrations into one namespace must serialize: none may fail
# because another ran, and the end state must be the union of what both
# declared.  Two psql sessions each run $rounds registrations into namespace
# "conc".  Their model sets overlap: session A registers A1..A3 + Shared,
# session B registers B1..B3 + Shared, and in round r both declare Shared with
# fields f1..fr — so the sessions keep adding (and, when one is a round
# behind, retiring and reviving) the same columns at the same time.  A1 and B1
# also hold a ForeignKey to Shared.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $rounds = 50;
my $gate_key = 4242;    # advisory lock that lines both sessions up

my $node = PostgreSQL::Test::Cluster->new('conc');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION cmodel');

# JSON for Shared with fields f1..f$n.
sub shared_model
{
	my ($n) = @_;
	my @fields =
	  map { qq({"name": "f$_", "type": "IntegerField"}) } 1 .. $n;
	return qq({"name": "Shared", "fields": [) . join(', ', @fields) . ']}';
}

# JSON array of one session's models in round $n: X1..X3 plus Shared.
sub model_set
{
	my ($prefix, $n) = @_;
	my @models = (
		qq({"name": "${prefix}1", "fields": [)
		  . qq({"name": "label", "type": "TextField"}, )
		  . qq({"name": "target", "type": "ForeignKey", "to": "Shared", )
		  . qq("on_delete": "CASCADE"}]}),
		qq({"name": "${prefix}2", "fields": [{"name": "note", "type": "TextField"}]}),
		qq({"name": "${prefix}3", "fields": [{"name": "amount", "type": "IntegerField"}]}),
		shared_model($n));
	return '[' . join(",\n ", @models) . ']';
}

# One SQL script per session: wait at the gate, then $rounds registrations,
# each its own transaction.
my $dir = PostgreSQL::Test::Utils::tempdir;
my %script;
for my $prefix ('A', 'B')
{
	my $sql = "SELECT pg_advisory_lock_shared($gate_key);\n"
	  . "SELECT pg_advisory_unlock_shared($gate_key);\n";
	for my $r (1 .. $rounds)
	{
		$sql .=
		    "SELECT count(*) FROM cmodel_register_models('conc', \$cm\$"
		  . model_set($prefix, $r)
		  . "\$cm\$);\n";
	}
	$script{$prefix} = "$dir/session_$prefix.sql";
	PostgreSQL::Test::Utils::append_to_file($script{$prefix}, $sql);
}

# Close the gate, start both sessions, open it once both wait on it.
my $gate = $node->background_psql('postgres');
$gate->query_safe("SELECT pg_advisory_lock($gate_key)");

my %run;
for my $prefix ('A', 'B')
{
	my ($out, $err) = ('', '');
	my @cmd = (
		$node->installed_command('psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
		'-d', $node->connstr('postgres'),
		'-f', $script{$prefix});
	my $h = IPC::Run::start(\@cmd, '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	$run{$prefix} = { h => $h, out => \$out, err => \$err };
}

ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) = 2 FROM pg_catalog.pg_locks "
		  . "WHERE locktype = 'advisory' AND objid = $gate_key AND NOT granted"),
	'both sessions wait at the gate');
$gate->query_safe("SELECT pg_advisory_unlock($gate_key)");
$gate->quit;

for my $prefix ('A', 'B')
{
	my $r = $run{$prefix};
	my $finished = eval { $r->{h}->finish; 1 };
	my $status = $finished ? $r->{h}->result(0) : -1;
	is($status, 0, "session $prefix: psql exited 0")
	  or diag("session $prefix stderr:\n" . ${ $r->{err} });
	unlike(${ $r->{err} }, qr/ERROR|FATAL|deadlock/,
		"session $prefix: no errors");
	my @counts = grep { /^\d+$/ } split /\n/, ${ $r->{out} };
	is(scalar(@counts), $rounds, "session $prefix: $rounds registrations ran");
}

# All seven tables exist (the namespace may hold other cmodel tables).
is( $node->safe_psql(
		'postgres', q{
		SELECT string_agg(c.relname, ',' ORDER BY c.relname)
		FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'conc' AND c.relkind = 'r'
		  AND c.relname IN ('a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'shared')}),
	'a1,a2,a3,b1,b2,b3,shared',
	'all tables of both sessions exist');

# shared has exactly the columns f1..f$rounds, all integer.
is( $node->safe_psql(
		'postgres', qq{
		SELECT count(*) FILTER (WHERE format_type(a.atttypid, a.atttypmod) = 'integer'),
		       count(*),
		       count(*) FILTER (WHERE substr(a.attname, 2)::int BETWEEN 1 AND $rounds)
		FROM pg_catalog.pg_attribute a
		WHERE a.attrelid = 'conc.shared'::regclass
		  AND a.attnum > 0 AND NOT a.attisdropped
		  AND a.attname ~ '^f[0-9]+\$'}),
	"$rounds|$rounds|$rounds",
	"shared has integer columns f1..f$rounds");

# Both foreign-key columns exist.
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM pg_catalog.pg_attribute
		WHERE attrelid IN ('conc.a1'::regclass, 'conc.b1'::regclass)
		  AND attname = 'target_id' AND NOT attisdropped}),
	'2',
	'a1.target_id and b1.target_id exist');

# The registry has one row per Shared field f1..f$rounds.  Matched on values
# (to_jsonb of each row) so the test does not depend on the view's column
# names: a row of model Shared whose some value is an fN field name.
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*), count(DISTINCT jsonb_path_query_first(
		         to_jsonb(f), '$.* ? (@ like_regex "^f[0-9]+$")'))
		FROM cmodel.fields f
		WHERE jsonb_path_exists(to_jsonb(f), '$.* ? (@ == "Shared" || @ == "shared")')
		  AND jsonb_path_exists(to_jsonb(f), '$.* ? (@ like_regex "^f[0-9]+$")')}),
	"$rounds|$rounds",
	"registry lists Shared's fields f1..f$rounds once each");

# Registry and tables agree: planning either session's final set again
# finds nothing to do.
for my $prefix ('A', 'B')
{
	is( $node->safe_psql(
			'postgres',
			"SELECT count(*) FROM cmodel_plan_models('conc', \$cm\$"
			  . model_set($prefix, $rounds)
			  . "\$cm\$)"),
		'0',
		"session $prefix: final model set is fully registered");
}

unlike(slurp_file($node->logfile), qr/deadlock detected/,
	'no deadlock in the server log');

$node->stop;
done_testing();
