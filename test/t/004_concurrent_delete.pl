# test/t/004_concurrent_delete.pl
#
# Several sessions delete overlapping sets of parents at the same time, from
# a core table, a namespace table and a self-referencing tree.  None may fail
# (no error, no deadlock), and afterwards no child of a deleted parent that
# existed before the deletes survives: CASCADE children are gone at every
# depth, SET_NULL children point nowhere, and the rows outside every deleted
# set are all still there.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $sessions = 4;
my $gate_key = 4343;

my $node = PostgreSQL::Test::Cluster->new('cdel');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION cmodel;
CREATE TABLE public.staff (dbid bigint PRIMARY KEY, name text);
SELECT cmodel_register_core_model('Staff', 'public.staff', 'dbid');
SELECT count(*) FROM cmodel_register_models('cdel', '[
  {"name": "Team", "fields": [{"name": "lead", "type": "ForeignKey", "to": "Staff",
     "on_delete": "CASCADE", "related_name": "cdel_teams"}]},
  {"name": "Member", "fields": [{"name": "team", "type": "ForeignKey", "to": "Team", "on_delete": "CASCADE"},
     {"name": "buddy", "type": "ForeignKey", "to": "Staff", "on_delete": "SET_NULL",
      "related_name": "cdel_buddies"}]},
  {"name": "Task", "fields": [{"name": "member", "type": "ForeignKey", "to": "Member", "on_delete": "CASCADE"}]},
  {"name": "Node", "fields": [{"name": "up", "type": "ForeignKey", "to": "self", "on_delete": "CASCADE",
     "related_name": "downs"}]}
]');
SET cmodel.max_bulk_rows = 0;
INSERT INTO public.staff SELECT g, 's' || g FROM generate_series(1, 2000) g;
INSERT INTO cdel.team (dbid, lead_id) SELECT g, g FROM generate_series(1, 2000) g;
-- members of teams 1501..1699 (which no session deletes) have a buddy among
-- staff 1..199 (which session 0 deletes): SET_NULL applies to them
INSERT INTO cdel.member (dbid, team_id, buddy_id)
  SELECT g, t, CASE WHEN t BETWEEN 1501 AND 1699 THEN t - 1500 END
    FROM generate_series(1, 10000) g, LATERAL (SELECT (g - 1) / 5 + 1 AS t) x;
INSERT INTO cdel.task (member_id) SELECT (g - 1) / 3 + 1 FROM generate_series(1, 30000) g;
-- a binary tree of 8191 nodes: node n's parent is n / 2
INSERT INTO cdel.node (dbid, up_id) SELECT g, CASE WHEN g > 1 THEN g / 2 END FROM generate_series(1, 8191) g;
});

# Session k deletes staff 300k+1 .. 300k+600 (each range overlaps the next),
# then a range of teams directly, then the subtrees under nodes 2..5 and
# one of its own, all in separate statements, each its own transaction.
my $dir = PostgreSQL::Test::Utils::tempdir;
my @ranges;
my %script;
for my $k (0 .. $sessions - 1)
{
	my ($lo, $hi) = (300 * $k + 1, 300 * $k + 600);
	push @ranges, [ $lo, $hi ];
	my $sql = "SELECT pg_advisory_lock_shared($gate_key);\n"
	  . "SELECT pg_advisory_unlock_shared($gate_key);\n";
	for (my $s = $lo; $s <= $hi; $s += 100)
	{
		my $e = $s + 99;
		$sql .= "DELETE FROM public.staff WHERE dbid BETWEEN $s AND $e;\n";
	}
	$sql .= "DELETE FROM cdel.team WHERE dbid BETWEEN 1700 + 50 * $k AND 1800 + 50 * $k;\n";
	$sql .= "DELETE FROM cdel.node WHERE dbid IN (2, 3, 4, 5, " . (8 + $k) . ");\n";
	$script{$k} = "$dir/session_$k.sql";
	PostgreSQL::Test::Utils::append_to_file($script{$k}, $sql);
}

# What should go: staff in the union of the ranges; teams of those staff
# and teams 1700..1950; members, tasks below them; every node below 2 and 3
# (which is every node but the root).
my $union_hi = 300 * ($sessions - 1) + 600;
$node->safe_psql(
	'postgres', qq{
CREATE TABLE gone_team AS SELECT dbid FROM cdel.team WHERE lead_id BETWEEN 1 AND $union_hi OR dbid BETWEEN 1700 AND 1950;
CREATE TABLE gone_member AS SELECT dbid FROM cdel.member WHERE team_id IN (SELECT dbid FROM gone_team);
CREATE TABLE gone_task AS SELECT dbid FROM cdel.task WHERE member_id IN (SELECT dbid FROM gone_member);
});

my $gate = $node->background_psql('postgres');
$gate->query_safe("SELECT pg_advisory_lock($gate_key)");
my %run;
for my $k (0 .. $sessions - 1)
{
	my ($out, $err) = ('', '');
	my @cmd = (
		$node->installed_command('psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
		'-d', $node->connstr('postgres'),
		'-f', $script{$k});
	my $h = IPC::Run::start(\@cmd, '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	$run{$k} = { h => $h, out => \$out, err => \$err };
}
ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) = $sessions FROM pg_catalog.pg_locks "
		  . "WHERE locktype = 'advisory' AND objid = $gate_key AND NOT granted"),
	'all sessions wait at the gate');
$gate->query_safe("SELECT pg_advisory_unlock($gate_key)");
$gate->quit;

for my $k (0 .. $sessions - 1)
{
	my $r = $run{$k};
	my $finished = eval { $r->{h}->finish; 1 };
	my $status = $finished ? $r->{h}->result(0) : -1;
	is($status, 0, "session $k: psql exited 0")
	  or diag("session $k stderr:\n" . ${ $r->{err} });
	unlike(${ $r->{err} }, qr/ERROR|FATAL|deadlock/, "session $k: no errors");
}

is($node->safe_psql('postgres', "SELECT count(*) FROM public.staff WHERE dbid <= $union_hi"),
	'0', "every staff row in the deleted ranges is gone");
is($node->safe_psql('postgres', "SELECT count(*) FROM public.staff"),
	2000 - $union_hi, 'staff outside the ranges remain');
is( $node->safe_psql(
		'postgres',
		'SELECT (SELECT count(*) FROM cdel.team WHERE dbid IN (SELECT dbid FROM gone_team)) || \'|\' ||'
		  . ' (SELECT count(*) FROM cdel.member WHERE dbid IN (SELECT dbid FROM gone_member)) || \'|\' ||'
		  . ' (SELECT count(*) FROM cdel.task WHERE dbid IN (SELECT dbid FROM gone_task))'),
	'0|0|0',
	'no team, member or task below a deleted row survives (CASCADE at three levels)');
is( $node->safe_psql(
		'postgres',
		'SELECT (SELECT count(*) FROM cdel.team) || \'|\' || (SELECT count(*) FROM cdel.member)'
		  . ' || \'|\' || (SELECT count(*) FROM cdel.task)'),
	join('|',
		2000 - $node->safe_psql('postgres', 'SELECT count(*) FROM gone_team'),
		10000 - $node->safe_psql('postgres', 'SELECT count(*) FROM gone_member'),
		30000 - $node->safe_psql('postgres', 'SELECT count(*) FROM gone_task')),
	'every row outside the deleted sets remains');
is( $node->safe_psql(
		'postgres',
		'SELECT count(*) FROM cdel.member m WHERE m.buddy_id IS NOT NULL'
		  . ' AND NOT EXISTS (SELECT 1 FROM public.staff s WHERE s.dbid = m.buddy_id)'),
	'0', 'SET_NULL: no member points at a deleted staff row');
is( $node->safe_psql(
		'postgres',
		'SELECT count(*) || \'|\' || count(buddy_id) FROM cdel.member WHERE team_id BETWEEN 1501 AND 1699'),
	'995|0', 'SET_NULL: the members whose buddy went are all kept, with NULL');
is($node->safe_psql('postgres', 'SELECT string_agg(dbid::text, \',\') FROM cdel.node'),
	'1', 'the overlapping subtree deletes left only the root');
is( $node->safe_psql(
		'postgres',
		'SELECT count(*) FROM cdel.node n WHERE n.up_id IS NOT NULL'
		  . ' AND NOT EXISTS (SELECT 1 FROM cdel.node p WHERE p.dbid = n.up_id)'),
	'0', 'no node points at a deleted node');
unlike(slurp_file($node->logfile), qr/deadlock detected/, 'no deadlock in the server log');

# A registration that commits while another session's REPEATABLE READ
# transaction is open holds in that session from its next statement: the
# rules it caches are read as they are now, not as its snapshot saw them.
$node->safe_psql(
	'postgres', q{
SELECT count(*) FROM cmodel_register_models('cdel', '[{"name": "Pin", "fields": [
  {"name": "staff", "type": "ForeignKey", "to": "Staff", "on_delete": "CASCADE", "related_name": "cdel_pins"}]}]');
INSERT INTO public.staff VALUES (5001, 'p1'), (5002, 'p2');
INSERT INTO cdel.pin (staff_id) VALUES (5001), (5002);
});
my $rr = $node->background_psql('postgres');
$rr->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$rr->query_safe('SELECT count(*) FROM cdel.pin');
$node->safe_psql(
	'postgres', q{
SELECT count(*) FROM cmodel_register_models('cdel', '[{"name": "Pin", "fields": [
  {"name": "staff", "type": "ForeignKey", "to": "Staff", "on_delete": "DO_NOTHING", "related_name": "cdel_pins"}]}]');
});
$rr->query_safe('DELETE FROM public.staff WHERE dbid = 5001');
$rr->query_safe('COMMIT');
$rr->query_safe('DELETE FROM public.staff WHERE dbid = 5002');
$rr->quit;
is($node->safe_psql('postgres', 'SELECT string_agg(staff_id::text, \',\' ORDER BY staff_id) FROM cdel.pin'),
	'5001,5002', 'DO_NOTHING registered during a REPEATABLE READ transaction holds there');

$node->stop;
done_testing();
