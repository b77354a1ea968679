# test/t/006_citus.pl
#
# Namespaces on Citus schema-based sharding: one coordinator and two
# workers on 127.0.0.1.  The seed's core tables are reference tables and
# the seed's models are registered into a namespace, which is then
# distributed with citus_schema_distribute.  Checked:
#   - registration and the other registry writers are refused on a worker,
#     with cmodel's error naming the coordinator, and change nothing;
#   - a relation to a core table that is already a reference table
#     registers without the user setting citus.enable_unsafe_triggers
#     (cmodel sets it for its own DDL only), and the setting is left as it
#     was;
#   - a model registered into a distributed namespace is a tenant table in
#     the namespace's colocation group, on the same worker, with cmodel's
#     triggers and indexes on its shard;
#   - a namespace created while citus.enable_schema_based_sharding is on
#     gets every table registration makes (hub store and models) in its
#     colocation group.
# Skipped (not passed) where Citus is not installed.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $sharedir = `pg_config --sharedir`;
chomp $sharedir;
plan skip_all => 'Citus is not installed (../shared/tools/citus/install.sh installs it)'
  unless -f "$sharedir/extension/citus.control";

$PostgreSQL::Test::Cluster::use_tcp = 1;
$PostgreSQL::Test::Cluster::test_pghost = '127.0.0.1';

my @nodes;
for my $name (qw(coordinator worker1 worker2))
{
	my $node = PostgreSQL::Test::Cluster->new("citus_$name");
	$node->init;
	$node->append_conf(
		'postgresql.conf', q{
shared_preload_libraries = 'citus'
max_prepared_transactions = 100
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
citus.log_remote_commands = off
});
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION citus');
	push @nodes, $node;
}
my ($coord, $w1, $w2) = @nodes;
$coord->safe_psql('postgres',
	"SELECT citus_set_coordinator_host('127.0.0.1', " . $coord->port . ")");
$coord->safe_psql('postgres',
	"SELECT citus_add_node('127.0.0.1', " . $_->port . ")") for ($w1, $w2);

my $seed = slurp_file('demo/seed_models.json');
$seed =~ s/'/''/g;

# The platform's tables are reference tables before cmodel knows them.
$coord->safe_psql(
	'postgres', q{
CREATE EXTENSION cmodel;
CREATE TABLE public.staff (dbid bigint PRIMARY KEY, id text UNIQUE, first_name text, last_name text);
CREATE TABLE public.patient (dbid bigint PRIMARY KEY, id text UNIQUE, first_name text, last_name text);
SELECT create_reference_table('public.staff');
SELECT create_reference_table('public.patient');
SELECT cmodel_register_core_model('Staff', 'public.staff', 'dbid');
SELECT cmodel_register_core_model('Patient', 'public.patient', 'dbid');
});
is($w1->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'cmodel'"),
	$coord->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'cmodel'"),
	'cmodel created on the coordinator reaches the workers');

# --- registration on a worker ---------------------------------------------
my $coord_at = '127.0.0.1:' . $coord->port;
my @worker_writes = (
	[ 'register', q{SELECT count(*) FROM cmodel_register_model('w_ns', '{"name": "Item", "fields": []}')},
		qr/cannot register models into namespace "w_ns" on a Citus worker node/ ],
	[ 'register many', q{SELECT count(*) FROM cmodel_register_models('w_ns', '[{"name": "Item", "fields": []}]', 'w_plugin')},
		qr/cannot register models into namespace "w_ns" on a Citus worker node/ ],
	[ 'create namespace', q{SELECT cmodel_create_namespace('w_ns')},
		qr/on a Citus worker node/ ],
	[ 'core model', q{SELECT cmodel_register_core_model('Staff2', 'public.staff', 'dbid')},
		qr/cannot register core model "Staff2" on a Citus worker node/ ],
	[ 'grant', q{SELECT cmodel_grant_access('w_ns', 'postgres', 'read')},
		qr/on a Citus worker node/ ],
	[ 'reporting role', q{SELECT cmodel_set_reporting_role('postgres')},
		qr/cannot set the reporting role on a Citus worker node/ ]);
for my $w (@worker_writes)
{
	my ($what, $sql, $re) = @$w;
	my ($rc, $out, $err) = $w1->psql('postgres', "\\set VERBOSITY verbose\n$sql");
	isnt($rc, 0, "worker: $what fails");
	like($err, $re, "worker: $what names the worker");
	like($err, qr/0A000/, "worker: $what is 0A000");
	like($err, qr/HINT:  Connect to the coordinator \(\Q$coord_at\E\)/, "worker: $what names the coordinator");
}
is($w1->safe_psql('postgres', 'SELECT count(*) FROM cmodel.reg_namespace'), '0',
	'worker: nothing was registered');
is($w1->safe_psql('postgres', "SELECT count(*) FROM pg_namespace WHERE nspname = 'w_ns'"), '0',
	'worker: no schema was made');

# --- the seed's models, then distributed ----------------------------------
my ($rc, $out, $err) = $coord->psql('postgres',
	"SELECT count(*) FROM cmodel_register_models('my_plugin', '$seed', 'my_plugin')");
is($rc, 0, 'the seed models register with relations to reference tables')
  or diag($err);
is($coord->safe_psql('postgres', 'SHOW citus.enable_unsafe_triggers'), 'off',
	'registration left citus.enable_unsafe_triggers as it was');
like($coord->safe_psql('postgres',
		"SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'public.staff'::regclass AND NOT tgisinternal"),
	qr/cmodel_on_delete/, 'the reference table has its on_delete trigger');

$coord->safe_psql(
	'postgres', q{
SET citus.enable_unsafe_triggers = on;
SELECT citus_schema_distribute('my_plugin');
});
my $group = "(SELECT colocationid FROM pg_dist_schema WHERE schemaid = 'my_plugin'::regnamespace)";
my $tables = $coord->safe_psql('postgres',
	"SELECT count(*) FROM pg_class WHERE relnamespace = 'my_plugin'::regnamespace AND relkind = 'r'");
is($coord->safe_psql('postgres', "SELECT count(*) FROM pg_dist_partition WHERE colocationid = $group"),
	$tables, 'every table of the distributed namespace is in its group');

# a model registered after distribution joins the group
$coord->safe_psql('postgres', q{
SELECT count(*) FROM cmodel_register_model('my_plugin', '{"name": "Visit", "fields": [{"name": "coach", "type": "ForeignKey", "to": "HealthCoach", "on_delete": "CASCADE"}, {"name": "note", "type": "TextField"}]}');
});
is($coord->safe_psql('postgres',
		"SELECT colocationid = $group FROM pg_dist_partition WHERE logicalrelid = 'my_plugin.visit'::regclass"),
	't', 'a model registered into a distributed namespace joins its colocation group');
is($coord->safe_psql('postgres', q{
SELECT count(DISTINCT nodeport) FROM citus_shards WHERE citus_table_type = 'schema' AND table_name::text LIKE 'my_plugin.%'}),
	'1', 'all of the namespace is on one worker');
my $shard = $coord->safe_psql('postgres',
	"SELECT shard_name || ' ' || nodeport FROM citus_shards WHERE table_name = 'my_plugin.visit'::regclass");
my ($shard_name, $shard_port) = split / /, $shard;
my ($home) = grep { $_->port == $shard_port } ($w1, $w2);
ok($home, 'the new table has a shard on a worker');
like($home->safe_psql('postgres',
		"SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = '$shard_name'::regclass"),
	qr/cmodel_write_\d+/, "the new table's shard has cmodel's write trigger");
is($home->safe_psql('postgres',
		"SELECT count(*) FROM pg_index WHERE indrelid = '$shard_name'::regclass"),
	'2', "the new table's shard has its key and relation indexes");
$coord->safe_psql('postgres', q{
INSERT INTO public.staff VALUES (1, 's1', 'Ann', 'Lee');
INSERT INTO my_plugin.healthcoach (name, practicing_since, is_accepting_patients)
VALUES ('coach', 2010, true);
INSERT INTO my_plugin.staffcertification (staff_id, certification_code) VALUES (1, 'C-1');
INSERT INTO my_plugin.visit (coach_id, note) SELECT dbid, 'first' FROM my_plugin.healthcoach;
});
is($coord->safe_psql('postgres', 'SELECT v.note FROM my_plugin.visit v JOIN my_plugin.healthcoach c ON c.dbid = v.coach_id'),
	'first', 'the distributed namespace reads and writes from the coordinator');
is($coord->safe_psql('postgres', q{
SELECT s.first_name || ' ' || c.certification_code FROM my_plugin.staffcertification c JOIN public.staff s ON s.dbid = c.staff_id}),
	'Ann C-1', 'a namespace table joins a reference core table');

# the limits run on the shard, and their errors name the logical table; an
# INSERT a worker runs keeps the SQLSTATE and hint (Citus relays an
# INSERT ... SELECT's as XX000, without the hint)
my $coach = $coord->safe_psql('postgres', 'SELECT min(dbid) FROM my_plugin.healthcoach');
($rc, $out, $err) = $coord->psql('postgres', qq{
INSERT INTO my_plugin.visit (coach_id, note) VALUES ($coach, repeat('x', 1048577))},
	extra_params => [ '-v', 'VERBOSITY=verbose' ]);
isnt($rc, 0, 'a value over the limit is refused on the shard');
like($err, qr/22001/, 'the shard keeps the limit\'s SQLSTATE');
like($err, qr/value of column "note" of table "my_plugin\.visit" is too long/,
	'the error names the logical table, not the shard');
like($err, qr/HINT:  Keep large content outside the row/, 'and keeps the hint');
($rc, $out, $err) = $coord->psql('postgres', q{
INSERT INTO my_plugin.visit (coach_id, note) SELECT dbid, repeat('x', 1048577) FROM my_plugin.healthcoach});
like($err, qr/table "my_plugin\.visit"/, 'an INSERT ... SELECT\'s error names the logical table too');
($rc, $out, $err) = $coord->psql('postgres', q{
SET cmodel.max_bulk_rows = 0;
INSERT INTO my_plugin.cmodel_hubs (type, id, attrs) VALUES (repeat('t', 101), 'x', '{}')});
like($err, qr/hub type in namespace "my_plugin" is too long: 101 characters/,
	'a hub store\'s shard is judged as the hub store (its key limit)');

# a session's cmodel.max_bulk_rows reaches the shard as SET LOCAL with
# citus.propagate_set_commands = 'local'
($rc, $out, $err) = $coord->psql('postgres', qq{
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL cmodel.max_bulk_rows = 1;
INSERT INTO my_plugin.visit (coach_id, note) VALUES ($coach, 'a'), ($coach, 'b');
COMMIT;});
like($err, qr/insert into table "my_plugin\.visit" exceeds 1 rows in one statement/,
	'SET LOCAL cmodel.max_bulk_rows, propagated, holds on the shard') or diag($err);
($rc, $out, $err) = $coord->psql('postgres', qq{
SET cmodel.max_bulk_rows = 1;
INSERT INTO my_plugin.visit (coach_id, note) VALUES ($coach, 'a'), ($coach, 'b');});
is($rc, 0, 'a plain SET stays on the coordinator (the documented limit)');

# --- on_delete where the rows are ---------------------------------------------
# The shards' triggers run on their workers, which have no registry: they
# read the node catalog (a reference table) and cascade into the children's
# shards on their node.  Checked from the coordinator and from a worker:
# reference-table parents with children in two distributed namespaces and a
# local one, distributed parents, SET_NULL, DO_NOTHING, a self reference
# three deep, TRUNCATE as DELETE, the preview, auto_now, a shard move.
is($coord->safe_psql('postgres',
		"SELECT partmethod::text || repmodel::text FROM pg_dist_partition WHERE logicalrelid = 'cmodel.node_catalog'::regclass"),
	'nt', 'the node catalog is a reference table');
for my $w ($w1, $w2)
{
	is($w->safe_psql('postgres', 'SELECT count(*) FROM cmodel.reg_relation'), '0',
		'worker ' . $w->port . ': the registry is empty');
}
my $catalog_rows = q{SELECT string_agg(format('%s %s.%s %s %s.%s.%s %s', kind, schema_name, table_name, column_name,
                                child_schema, child_table, child_column, flag), ';' ORDER BY 1) FROM cmodel.node_catalog};
my $catalog_here = $coord->safe_psql('postgres', $catalog_rows);
is($coord->safe_psql('postgres',
		'SELECT count(*) FROM (SELECT * FROM cmodel.node_facts EXCEPT ALL SELECT * FROM cmodel.node_catalog) d'),
	'0', 'the node catalog has every fact the registry states');

$coord->safe_psql(
	'postgres', q{
SELECT count(*) FROM cmodel_register_models('od_far', '[{"name": "Task", "fields": [
  {"name": "staff", "type": "ForeignKey", "to": "Staff", "on_delete": "CASCADE", "related_name": "+"},
  {"name": "parent", "type": "ForeignKey", "to": "self", "on_delete": "CASCADE", "null": true, "related_name": "+"},
  {"name": "touched", "type": "DateTimeField", "auto_now": true, "null": true},
  {"name": "made", "type": "DateTimeField", "auto_now_add": true, "null": true}]}]', 'od_far');
SELECT count(*) FROM cmodel_register_models('od_local', '[{"name": "Memo", "fields": [
  {"name": "staff", "type": "ForeignKey", "to": "Staff", "on_delete": "CASCADE", "related_name": "+"},
  {"name": "reviewer", "type": "ForeignKey", "to": "Staff", "on_delete": "SET_NULL", "null": true, "related_name": "+"}]}]', 'od_local');
SET citus.enable_unsafe_triggers = on;
SELECT citus_schema_distribute('od_far');
});
for my $w ($w1, $w2)
{
	is($w->safe_psql('postgres', $catalog_rows), $coord->safe_psql('postgres', $catalog_rows),
		'worker ' . $w->port . ': its placement of the node catalog has the coordinator\'s rows, new namespaces included');
}

# od_far goes to the worker my_plugin is not on, by citus_schema_move: the
# two distributed namespaces are on different workers, and the move
# changes no row
my $node_of = sub {
	my ($table) = @_;
	return $coord->safe_psql('postgres', "SELECT nodeport FROM citus_shards WHERE table_name = '$table'::regclass");
};
my $plugin_port = $node_of->('my_plugin.healthcoach');
my ($other) = grep { $_->port != $plugin_port } ($w1, $w2);
$coord->safe_psql(
	'postgres', q{
INSERT INTO public.staff SELECT g, 's' || g, 'F' || g, 'L' || g FROM generate_series(2, 6) g;
INSERT INTO od_far.task (staff_id) SELECT g FROM generate_series(1, 6) g;
INSERT INTO od_far.task (staff_id, parent_id) SELECT 6, dbid FROM od_far.task WHERE staff_id = 5;
INSERT INTO od_far.task (staff_id, parent_id) SELECT 6, dbid FROM od_far.task WHERE parent_id IS NOT NULL;
INSERT INTO od_local.memo (staff_id, reviewer_id) SELECT g, 1 + g % 6 FROM generate_series(1, 6) g;
INSERT INTO my_plugin.specialty (name, code) VALUES ('cardio', 'C'), ('derm', 'D');
INSERT INTO my_plugin.biography (biography, language, staff_id) SELECT 'bio', 'en', g FROM generate_series(1, 6) g;
INSERT INTO my_plugin.department (name, code) VALUES ('north', 'N');
INSERT INTO my_plugin.staffcertification (staff_id, certification_code) SELECT g, 'C-' || g FROM generate_series(2, 6) g;
});
# (the keys are read first: Citus 13.0.5 inserts nothing for an INSERT ...
# SELECT into a table with an identity column that joins a distributed
# table through the coordinator; see the README)
my ($spec1, $spec2) = split /\n/, $coord->safe_psql('postgres', 'SELECT dbid FROM my_plugin.specialty ORDER BY dbid');
my $dept = $coord->safe_psql('postgres', 'SELECT dbid FROM my_plugin.department');
$coord->safe_psql(
	'postgres', qq{
INSERT INTO my_plugin.staffspecialty (staff_id, specialty_id)
SELECT g, s FROM generate_series(1, 6) g, (VALUES ($spec1), ($spec2)) v (s);
INSERT INTO my_plugin.staffdepartment (staff_id, department_id, role) SELECT g, $dept, 'r' FROM generate_series(1, 6) g;
});
my $task_rows = 'SELECT md5(string_agg(t::text, \',\' ORDER BY dbid)) FROM od_far.task t';
my $tasks_before = $coord->safe_psql('postgres', $task_rows);
$coord->safe_psql('postgres',
	"SELECT citus_schema_move('od_far', '127.0.0.1', " . $_->port . ")")
  for ($node_of->('od_far.task') == $other->port ? ($w1->port == $other->port ? $w2 : $w1) : (), $other);
is($node_of->('od_far.task'), $other->port, 'od_far is on the other worker after citus_schema_move');
$coord->safe_psql('postgres', 'CALL citus_cleanup_orphaned_resources()');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM pg_dist_cleanup'), '0',
	'Citus dropped the shards the move left behind (the workers\' guard, which knows od_far, let it)');
is($coord->safe_psql('postgres', $task_rows), $tasks_before,
	'the move changed no row (auto_now and the write rules left the copied rows alone)');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM od_far.task WHERE made IS NOT NULL AND touched IS NOT NULL'),
	'8', 'auto_now and auto_now_add were applied on the shard');
is($coord->safe_psql('postgres', q{
SELECT (SELECT string_agg(DISTINCT version::text, ',') FROM my_plugin.healthcoach) || ' ' ||
       (SELECT count(*) FROM my_plugin.staffcertification WHERE extended_attributes = '{}' AND version = 1.0)}),
	'1.0 6', 'the descriptors\' defaults (a decimal, a JSON object) are the shards\' too');

# what the whole cluster holds, per table, as one line
my $counts = q{SELECT format('task=%s memo=%s reviewed=%s cert=%s bio=%s spec=%s dept=%s dept_staff=%s',
  (SELECT count(*) FROM od_far.task), (SELECT count(*) FROM od_local.memo),
  (SELECT count(*) FROM od_local.memo WHERE reviewer_id IS NOT NULL),
  (SELECT count(*) FROM my_plugin.staffcertification), (SELECT count(*) FROM my_plugin.biography),
  (SELECT count(*) FROM my_plugin.staffspecialty), (SELECT count(*) FROM my_plugin.staffdepartment),
  (SELECT count(*) FROM my_plugin.staffdepartment WHERE staff_id IS NOT NULL))};
is($coord->safe_psql('postgres', $counts),
	'task=8 memo=6 reviewed=6 cert=6 bio=6 spec=12 dept=6 dept_staff=6', 'the rows before any delete');

# the preview counts what the DELETE then removes, on every node
my $preview = $coord->safe_psql('postgres',
	"SELECT total || ' ' || per_model::text FROM cmodel_delete_preview('public.staff', ARRAY[2]::bigint[])");
is($preview, '6 {"Staff": 1, "od_far.Task": 1, "od_local.Memo": 1, "my_plugin.Biography": 1, "my_plugin.StaffSpecialty": 2}',
	'the preview of a reference-table delete counts the children in both distributed namespaces and the local one');
$coord->safe_psql('postgres', 'DELETE FROM public.staff WHERE dbid = 2');
is($coord->safe_psql('postgres', $counts),
	'task=7 memo=5 reviewed=4 cert=6 bio=5 spec=10 dept=6 dept_staff=5',
	'a reference-table DELETE cascades on both workers and the coordinator, nulls SET_NULL children and leaves DO_NOTHING ones');

# a distributed parent: its shard cascades into colocated shards
$coord->safe_psql('postgres', "DELETE FROM my_plugin.specialty WHERE code = 'D'");
is($coord->safe_psql('postgres', 'SELECT count(*) FROM my_plugin.staffspecialty'), '5',
	'a DELETE from a distributed table cascades to its children\'s shards');
# a self reference, three deep, from the top
$coord->safe_psql('postgres', 'DELETE FROM od_far.task WHERE staff_id = 5');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM od_far.task WHERE staff_id IN (5, 6)'), '1',
	'a self reference cascades through every level on the shard');

# from a client of a worker (Citus runs queries from any node)
$other->safe_psql('postgres', 'DELETE FROM public.staff WHERE dbid = 3');
is($coord->safe_psql('postgres', $counts),
	'task=3 memo=4 reviewed=3 cert=6 bio=4 spec=4 dept=6 dept_staff=4',
	'a DELETE run on a worker cascades the same way');

# a model registered after distribution, related to a distributed table:
# the workers' pooled sessions take the new rule at once
$coord->safe_psql('postgres', q{
SELECT count(*) FROM cmodel_register_model('od_far', '{"name": "Step", "fields": [{"name": "task", "type": "ForeignKey", "to": "Task", "on_delete": "CASCADE"}]}');
INSERT INTO od_far.step (task_id) SELECT dbid FROM od_far.task;
});
is($coord->safe_psql('postgres', q{DELETE FROM od_far.task WHERE staff_id = 4; SELECT count(*) FROM od_far.step}),
	'2', 'a rule registered after distribution holds on the shard in the same session');

# a namespace moved onto a worker whose sessions already cached the rules
# of the reference table's copy there: the move's new placements make them
# stale, and the next delete reaches the moved children
my $to = $node_of->('od_far.task') == $w1->port ? $w2 : $w1;
$coord->safe_psql('postgres', qq{
DELETE FROM public.staff WHERE dbid = 0;
SELECT citus_schema_move('od_far', '127.0.0.1', } . $to->port . q{);
DELETE FROM public.staff WHERE dbid = 6;});
is($coord->safe_psql('postgres', 'SELECT count(*) FROM od_far.task WHERE staff_id = 6'), '0',
	'after a schema move in the same session, a reference-table delete cascades into the moved namespace');

# a table whose name Citus shortens for its shards (<prefix>_<hash>_<shard
# id>) is still known as its table on the worker
$coord->safe_psql('postgres', q{
SELECT count(*) FROM cmodel_register_model('od_far', '{"name": "Averyveryverylongmodelnamethatgoesonandonforquiteawhileok", "fields": [{"name": "staff", "type": "ForeignKey", "to": "Staff", "on_delete": "CASCADE", "related_name": "+"}]}');
INSERT INTO od_far.averyveryverylongmodelnamethatgoesonandonforquiteawhileok (staff_id) VALUES (5);
});
like($coord->safe_psql('postgres',
		"SELECT shard_name FROM citus_shards WHERE table_name = 'od_far.averyveryverylongmodelnamethatgoesonandonforquiteawhileok'::regclass"),
	qr/_[0-9a-f]{8}_\d+$/, 'Citus shortens that table\'s shard name');
$coord->safe_psql('postgres', 'DELETE FROM public.staff WHERE dbid = 5');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM od_far.averyveryverylongmodelnamethatgoesonandonforquiteawhileok'),
	'0', 'a shard with a shortened name cascades as its table');

# a hash-distributed core table (shards on both workers) with children only
# the coordinator has: the workers cannot reach them, so the delete is
# refused rather than leaving them behind
$coord->safe_psql('postgres', q{
CREATE TABLE public.acct (dbid bigint PRIMARY KEY);
SELECT create_distributed_table('public.acct', 'dbid');
INSERT INTO public.acct SELECT generate_series(1, 4);
SELECT cmodel_register_core_model('Acct', 'public.acct', 'dbid');
SELECT count(*) FROM cmodel_register_model('od_local', '{"name": "Ledger", "fields": [{"name": "acct", "type": "ForeignKey", "to": "Acct", "on_delete": "CASCADE", "related_name": "+"}]}');
INSERT INTO od_local.ledger (acct_id) VALUES (1), (2), (3), (4);
});
($rc, $out, $err) = $coord->psql('postgres', 'DELETE FROM public.acct', extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/0A000: cannot apply on_delete for table "public\.acct" on this node: rows of table "od_local\.ledger"/,
	'a distributed core table whose children its shards\' nodes cannot reach refuses the delete');
is($coord->safe_psql('postgres', 'SELECT (SELECT count(*) FROM public.acct) || \' \' || (SELECT count(*) FROM od_local.ledger)'),
	'4 4', 'and deletes nothing');

# TRUNCATE as DELETE: Citus gives shards no TRUNCATE trigger, so the
# table's own cascades through the child tables, whose shards go on
$coord->safe_psql('postgres', 'TRUNCATE my_plugin.department');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM my_plugin.staffdepartment'), '0',
	'TRUNCATE of a distributed parent cascades to its children');
$coord->safe_psql('postgres', 'TRUNCATE od_far.task');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM od_far.step'), '0',
	'TRUNCATE of a distributed parent reaches a child registered later');
# a worker cannot reach the children in a namespace only the coordinator
# has: TRUNCATE of the reference table there is refused, and runs on the
# coordinator
($rc, $out, $err) = $w1->psql('postgres', 'TRUNCATE public.staff', extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/0A000: cannot apply on_delete for table "public\.staff" on this node: rows of table "od_local\.memo" that point at it are on other nodes/,
	'TRUNCATE of a reference table on a worker is refused when the coordinator has children of it');
like($err, qr/HINT:  Run the statement on the coordinator/, 'and the hint says where to run it');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM public.staff'), '2', 'nothing was truncated');
$coord->safe_psql('postgres', 'TRUNCATE public.staff');
is($coord->safe_psql('postgres', $counts),
	'task=0 memo=0 reviewed=0 cert=6 bio=0 spec=0 dept=0 dept_staff=0',
	'TRUNCATE of the reference table cascades on every node and leaves DO_NOTHING children');

# --- the guard on a worker -----------------------------------------------------
# A worker's registry is empty, but its node catalog names the namespaces:
# a shard is judged as its table, for a client of the worker; what Citus
# itself sends there (DDL the coordinator judged, shard maintenance) passes.
for my $case (
	[ "ALTER TABLE $shard_name DROP COLUMN note", qr/cannot drop column "my_plugin\.visit\.note"/, 'DROP COLUMN' ],
	[ "ALTER TABLE $shard_name ALTER COLUMN note TYPE varchar(10)", qr/cannot change the type of column "my_plugin\.visit\.note"/, 'ALTER COLUMN TYPE' ],
	[ "SET citus.enable_manual_changes_to_shards = on; DROP TABLE $shard_name", qr/cannot drop table "my_plugin\.visit"/, 'DROP TABLE (with Citus\'s manual changes on)' ])
{
	my ($sql, $re, $what) = @$case;
	($rc, $out, $err) = $home->psql('postgres', $sql, extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	like($err, $re, "worker: $what on a shard is refused, naming the logical table");
	like($err, qr/0A000/, "worker: $what keeps the guard's SQLSTATE");
}
is($home->safe_psql('postgres', "SELECT count(*) FROM pg_attribute WHERE attrelid = '$shard_name'::regclass AND attname = 'note' AND NOT attisdropped"),
	'1', 'worker: the shard kept its column');
# a core reference table's copy keeps its key: the node catalog knows the core tables
my $staff_shard = $coord->safe_psql('postgres',
	"SELECT shard_name FROM citus_shards WHERE table_name = 'public.staff'::regclass LIMIT 1");
(my $staff_id = $staff_shard) =~ s/.*_//;
for my $case (
	[ "ALTER TABLE public.$staff_shard ALTER COLUMN dbid TYPE integer", 'ALTER COLUMN TYPE of its key' ],
	[ "ALTER TABLE public.$staff_shard DROP CONSTRAINT staff_pkey_$staff_id", 'dropping the unique index on its key' ])
{
	my ($sql, $what) = @$case;
	($rc, $out, $err) = $home->psql('postgres', $sql, extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	like($err, qr/0A000: .*public\.staff\b/, "worker: $what on a core table's copy is refused, naming the table");
}
is($home->safe_psql('postgres', "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.$staff_shard'::regclass AND attname = 'dbid'"),
	'bigint', 'worker: the copy kept its key');
($rc, $out, $err) = $coord->psql('postgres', q{
SET cmodel.allow_destructive_ddl = on;
ALTER TABLE my_plugin.visit ADD COLUMN scratch int;
ALTER TABLE my_plugin.visit DROP COLUMN scratch;});
is($rc, 0, 'DDL the coordinator let through (break-glass) passes the worker\'s guard on its way to the shard')
  or diag($err);
is($home->safe_psql('postgres', "SELECT count(*) FROM pg_attribute WHERE attrelid = '$shard_name'::regclass AND attname = 'scratch' AND NOT attisdropped"),
	'0', 'and reached the shard');

# --- a namespace made while schema-based sharding is on ---------------------
$coord->safe_psql('postgres', q{
SET citus.enable_schema_based_sharding = on;
SELECT count(*) FROM cmodel_register_models('sharded_ns', '[{"name": "Thing", "fields": [{"name": "staff", "type": "ForeignKey", "to": "Staff", "on_delete": "CASCADE", "related_name": "+"}]}]');
RESET citus.enable_schema_based_sharding;
SELECT count(*) FROM cmodel_register_model('sharded_ns', '{"name": "Other", "fields": []}');
});
my $group2 = "(SELECT colocationid FROM pg_dist_schema WHERE schemaid = 'sharded_ns'::regnamespace)";
is($coord->safe_psql('postgres', qq{
SELECT string_agg(logicalrelid::text, ',' ORDER BY logicalrelid::text) FROM pg_dist_partition WHERE colocationid = $group2}),
	'sharded_ns.cmodel_hubs,sharded_ns.other,sharded_ns.thing',
	'a namespace made with schema-based sharding on has its hub store and models in its group');
$coord->safe_psql('postgres', "SELECT cmodel_hub_set('sharded_ns', 'settings', 'global', 'k', 'v'::text)");
is($coord->safe_psql('postgres', "SELECT attrs->>'k' FROM sharded_ns.cmodel_hubs WHERE type = 'settings' AND id = 'global'"),
	'v', 'its hub store takes writes');
is($coord->safe_psql('postgres', "SELECT cmodel_hub_get('sharded_ns', 'settings', 'global', 'k', NULL::text)"),
	'v', 'and the hub functions read them back from its shard');

# --- Citus's cleanup of local rows after distributing a non-empty table ------
# create_reference_table() copies a non-empty table's rows to the shards and
# leaves them in the coordinator's own table too; Citus suggests
# truncate_local_data_after_distributing_table(), a TRUNCATE with DDL
# propagation off.  The rows still exist (in the shards): their children
# must stay.
$coord->safe_psql('postgres', q{
CREATE TABLE public.clinic (dbid bigint PRIMARY KEY, name text);
INSERT INTO public.clinic VALUES (1, 'north'), (2, 'south');
SELECT cmodel_register_core_model('Clinic', 'public.clinic', 'dbid');
SELECT count(*) FROM cmodel_register_models('clinic_ns', '[{"name": "Room", "fields": [{"name": "clinic", "type": "ForeignKey", "to": "Clinic", "on_delete": "CASCADE", "related_name": "+"}]}]');
INSERT INTO clinic_ns.room (clinic_id) VALUES (1), (1), (2);
SET citus.enable_unsafe_triggers = on;
SELECT create_reference_table('public.clinic');
RESET citus.enable_unsafe_triggers;
SELECT truncate_local_data_after_distributing_table('public.clinic');
});
is($coord->safe_psql('postgres', 'SELECT count(*) FROM clinic_ns.room'), '3',
	'truncate_local_data_after_distributing_table() leaves the children of the distributed rows');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM public.clinic'), '2',
	'the reference table keeps its rows');
$coord->safe_psql('postgres', 'TRUNCATE public.clinic');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM clinic_ns.room'), '0',
	'a TRUNCATE of the reference table still cascades');

# --- a schema move by logical replication while its rows are deleted ----------
# The move's apply worker replays the source's deletes on the new shards,
# row by row; the source cascaded them already (and its children's deletes
# come along), so the new shards' row triggers must not act, nor fail.
$coord->safe_psql('postgres', q{
SELECT count(*) FROM cmodel_register_models('mv_ns', '[{"name": "Top", "fields": [{"name": "n", "type": "IntegerField", "null": true}]}, {"name": "Sub", "fields": [{"name": "top", "type": "ForeignKey", "to": "Top", "on_delete": "CASCADE"}]}]');
SET citus.enable_unsafe_triggers = on;
SELECT citus_schema_distribute('mv_ns');
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL cmodel.max_bulk_rows = 0;
INSERT INTO mv_ns.top (n) SELECT g FROM generate_series(1, 20000) g;
INSERT INTO mv_ns.sub (top_id) SELECT dbid FROM mv_ns.top;
COMMIT;
});
my $mv_to = $node_of->('mv_ns.top') == $w1->port ? $w2 : $w1;
my $mover = $coord->background_psql('postgres');
$mover->query_until(qr/moving/, "\\echo moving\nSELECT citus_schema_move('mv_ns', '127.0.0.1', " . $mv_to->port . ");\n");
$coord->safe_psql('postgres', join("\n", map { "DELETE FROM mv_ns.top WHERE n = $_;" } 1 .. 2000));
$mover->query_safe('SELECT 1');
$mover->quit;
is($node_of->('mv_ns.top'), $mv_to->port, 'the schema move finished while deletes ran');
is($coord->safe_psql('postgres', q{
SELECT (SELECT count(*) FROM mv_ns.top) || ' ' || (SELECT count(*) FROM mv_ns.sub) || ' ' ||
       (SELECT count(*) FROM mv_ns.sub s WHERE NOT EXISTS (SELECT 1 FROM mv_ns.top t WHERE t.dbid = s.top_id))}),
	'18000 18000 0', 'and every delete cascaded once, on the source or the target');

# the rebalancer (moves by logical replication in the background) and its
# cleanup change no row anywhere
my $everything = q{SELECT string_agg(format('%s=%s', c.oid::regclass,
  (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, true, '')))[1]::text), ' ' ORDER BY c.oid::regclass::text)
  FROM pg_class c JOIN pg_dist_partition p ON p.logicalrelid = c.oid
 WHERE c.relnamespace::regnamespace::text IN ('my_plugin', 'od_far', 'od_local', 'mv_ns', 'sharded_ns', 'public')};
my $all_before = $coord->safe_psql('postgres', $everything);
$coord->safe_psql('postgres', 'SELECT citus_rebalance_start(); SELECT citus_rebalance_wait(); CALL citus_cleanup_orphaned_resources()');
is($coord->safe_psql('postgres', $everything), $all_before, 'the rebalancer changed no row of any table');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM pg_dist_cleanup'), '0', 'and its leftovers were dropped');

# --- a role that is not a superuser ---------------------------------------------
# deleting core rows cascades into namespaces the role cannot even look into,
# on every node (the shards' rules are found as the bootstrap superuser)
$coord->safe_psql('postgres', q{
CREATE ROLE od_app LOGIN;
GRANT SELECT, DELETE ON public.staff TO od_app;
INSERT INTO public.staff VALUES (40, 's40', 'F', 'L');
INSERT INTO od_local.memo (staff_id) VALUES (40);
INSERT INTO my_plugin.biography (biography, language, staff_id) VALUES ('bio', 'en', 40);
INSERT INTO od_far.task (staff_id) VALUES (40);
});
($rc, $out, $err) = $coord->psql('postgres', 'SET ROLE od_app; DELETE FROM public.staff WHERE dbid = 40');
is($rc, 0, 'a role with DELETE on a reference core table deletes from it') or diag($err);
is($coord->safe_psql('postgres', q{
SELECT (SELECT count(*) FROM od_local.memo WHERE staff_id = 40) + (SELECT count(*) FROM my_plugin.biography WHERE staff_id = 40)
     + (SELECT count(*) FROM od_far.task WHERE staff_id = 40)}),
	'0', 'and its children in namespaces it has no access to go, on both workers and the coordinator');
($rc, $out, $err) = $w1->psql('postgres', "SELECT * FROM cmodel_delete_preview('public.staff', ARRAY[1]::bigint[])");
like($err, qr/cannot preview a delete on a Citus worker node/, 'the delete preview runs on the coordinator only');

# --- registrations made before Citus had nodes -------------------------------
# A database whose namespace was registered while Citus had no nodes: its
# node catalog stayed a plain table, so a worker has no copy, and its
# shards refuse writes and deletes (55000) rather than apply no rules,
# until cmodel_citus_prepare() on the coordinator places the catalog.
$_->safe_psql('postgres', 'CREATE DATABASE late') for @nodes;
$_->safe_psql('late', 'CREATE EXTENSION citus') for @nodes;
$coord->safe_psql('late', q{
CREATE EXTENSION cmodel;
SELECT count(*) FROM cmodel_register_models('late_ns', '[{"name": "Box", "fields": [{"name": "touched", "type": "DateTimeField", "auto_now": true, "null": true}]}, {"name": "Item", "fields": [{"name": "box", "type": "ForeignKey", "to": "Box", "on_delete": "CASCADE"}]}]');
});
$coord->safe_psql('late', "SELECT citus_set_coordinator_host('127.0.0.1', " . $coord->port . ")");
$coord->safe_psql('late', "SELECT citus_add_node('127.0.0.1', " . $_->port . ")") for ($w1, $w2);
$coord->safe_psql('late', q{
SET citus.enable_unsafe_triggers = on;
SELECT citus_schema_distribute('late_ns');
});
is($coord->safe_psql('late', "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'cmodel.node_catalog'::regclass"),
	'0', 'late: the node catalog is not a reference table yet');
($rc, $out, $err) = $coord->psql('late', 'INSERT INTO late_ns.box DEFAULT VALUES', extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/55000: cannot apply cmodel's rules to "box_\d+" \(table "late_ns\.box"\): this node has no copy of cmodel's node catalog/,
	'late: a shard whose node has no catalog refuses a write (55000)');
like($err, qr/HINT:  On the coordinator, run SELECT cmodel_citus_prepare\(\)/, 'late: the hint names cmodel_citus_prepare()');
is($coord->safe_psql('late', 'SELECT count(*) FROM late_ns.box'), '0', 'late: nothing was written');
($rc, $out, $err) = $w1->psql('late', 'SELECT cmodel_citus_prepare()');
like($err, qr/on a Citus worker node/, 'late: cmodel_citus_prepare() is refused on a worker');
$coord->safe_psql('late', 'SELECT cmodel_citus_prepare()');
is($coord->safe_psql('late', "SELECT partmethod::text FROM pg_dist_partition WHERE logicalrelid = 'cmodel.node_catalog'::regclass"),
	'n', 'late: cmodel_citus_prepare() made the catalog a reference table');
$coord->safe_psql('late', q{
INSERT INTO late_ns.box DEFAULT VALUES;
INSERT INTO late_ns.item (box_id) SELECT dbid FROM late_ns.box;
DELETE FROM late_ns.box;});
is($coord->safe_psql('late', 'SELECT count(*) FROM late_ns.item'), '0',
	'late: then the shards apply their rules');

$_->stop for @nodes;
done_testing();
