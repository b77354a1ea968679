# test/t/007_logical_replication.pl
#
# A logical replication subscriber of plugin tables, and a subscription
# aimed at cmodel's registry.  A publisher and a subscriber (unix sockets
# only) both have cmodel, the same core table and the same namespace.  The
# publisher publishes the core table and the namespace's tables; the apply
# worker writes in session_replication_role = replica, where cmodel's
# triggers still fire (they are ENABLE ALWAYS), and it fires no statement
# triggers, so the delete trigger's row twin (ENABLE REPLICA) cascades: a
# replicated row keeps the auto_now value the publisher stamped, a
# replicated parent delete cascades on the subscriber, to a child only the
# subscriber has too (the publisher's cascaded deletes, arriving after,
# find nothing and are skipped), and replication goes on.  A second
# database on the publisher holds plain tables shaped and named like the
# registry; a subscription to them from the subscriber's cmodel database
# would write the registry (the apply worker fires row triggers only): its
# DELETE is refused by the registry's row lock, the worker stops with
# cmodel's error, and the registry keeps its rows.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $setup = q{
CREATE EXTENSION cmodel;
CREATE TABLE public.staff (dbid bigint PRIMARY KEY, name text);
SELECT cmodel_register_core_model('Staff', 'public.staff', 'dbid');
SELECT count(*) FROM cmodel_register_models('ns1', '[
  {"name": "Note", "fields": [{"name": "body", "type": "TextField", "null": true},
                              {"name": "author", "type": "ForeignKey", "to": "Staff", "on_delete": "CASCADE", "related_name": "ns1_notes"}]},
  {"name": "Stamp", "fields": [{"name": "n", "type": "IntegerField"},
                               {"name": "at", "type": "DateTimeField", "auto_now": true, "null": true}]}]');
};

my $pub = PostgreSQL::Test::Cluster->new('logical_pub');
$pub->init(allows_streaming => 'logical');
$pub->start;
$pub->safe_psql('postgres', $setup);
$pub->safe_psql('postgres',
	'CREATE PUBLICATION plugin_pub FOR TABLE public.staff, ns1.note, ns1.stamp');

my $sub = PostgreSQL::Test::Cluster->new('logical_sub');
$sub->init;
$sub->start;
$sub->safe_psql('postgres', $setup);

my $pub_conn = $pub->connstr . ' dbname=postgres';
$sub->safe_psql('postgres',
	"CREATE SUBSCRIPTION plugin_sub CONNECTION '$pub_conn' PUBLICATION plugin_pub");
$pub->wait_for_catchup('plugin_sub');

is($sub->safe_psql('postgres',
		"SELECT string_agg(DISTINCT tgenabled::text, ',') FROM pg_trigger WHERE tgname LIKE 'cmodel%' AND tgname <> 'cmodel_on_delete_row'"),
	'A', 'subscriber: every cmodel trigger fires ALWAYS');
is($sub->safe_psql('postgres',
		"SELECT string_agg(tgrelid::regclass::text || ':' || tgenabled::text, ',') FROM pg_trigger WHERE tgname = 'cmodel_on_delete_row'"),
	'staff:R', 'subscriber: the delete trigger\'s row twin fires in replica mode only');

# --- rows arrive as the publisher wrote them ---------------------------------
$pub->safe_psql('postgres', q{
INSERT INTO public.staff VALUES (1, 'Ada'), (2, 'Grace');
INSERT INTO ns1.note (body, author_id) VALUES ('a1', 1), ('a2', 1), ('g1', 2);
INSERT INTO ns1.stamp (n) VALUES (1);
});
$pub->wait_for_catchup('plugin_sub');
is($sub->safe_psql('postgres', 'SELECT count(*) FROM ns1.note'), '3',
	'subscriber: the notes arrived');
my $stamped = $pub->safe_psql('postgres', 'SELECT at FROM ns1.stamp WHERE n = 1');
isnt($stamped, '', 'publisher: auto_now stamped the row');
is($sub->safe_psql('postgres', 'SELECT at FROM ns1.stamp WHERE n = 1'), $stamped,
	'subscriber: the replicated row keeps the publisher\'s auto_now value');

# --- a parent delete cascades on the subscriber, and replication goes on -----
# a child only the subscriber has goes only if the subscriber cascades itself
$sub->safe_psql('postgres',
	"INSERT INTO ns1.note (dbid, body, author_id) VALUES (1000, 'local', 1)");
$pub->safe_psql('postgres', 'DELETE FROM public.staff WHERE dbid = 1');
$pub->wait_for_catchup('plugin_sub');
is($sub->safe_psql('postgres', 'SELECT string_agg(body, \',\' ORDER BY body) FROM ns1.note'),
	'g1', 'subscriber: the deleted parent\'s children are gone (its own one too), the others kept');
$pub->safe_psql('postgres', q{
INSERT INTO ns1.note (body, author_id) VALUES ('g2', 2);
UPDATE ns1.stamp SET n = 2;
});
$pub->wait_for_catchup('plugin_sub');
is($sub->safe_psql('postgres', 'SELECT count(*) FROM ns1.note'), '2',
	'subscriber: replication goes on after the cascade');
is($sub->safe_psql('postgres', 'SELECT at FROM ns1.stamp WHERE n = 2'),
	$pub->safe_psql('postgres', 'SELECT at FROM ns1.stamp WHERE n = 2'),
	'subscriber: an UPDATE keeps the publisher\'s auto_now value too');

# --- a subscription into the registry ----------------------------------------
$pub->safe_psql('postgres', 'CREATE DATABASE fake');
$pub->safe_psql('fake', q{
CREATE SCHEMA cmodel;
CREATE TABLE cmodel.reg_relation (namespace text, model text, field text,
                                  PRIMARY KEY (namespace, model, field));
INSERT INTO cmodel.reg_relation VALUES ('ns1', 'Note', 'author');
CREATE PUBLICATION reg_pub FOR TABLE cmodel.reg_relation;
});
my $relations = $sub->safe_psql('postgres', 'SELECT count(*) FROM cmodel.reg_relation');
cmp_ok($relations, '>', 0, 'subscriber: the registry records the relation');
my $fake_conn = $pub->connstr . ' dbname=fake';
my $log_offset = -s $sub->logfile;
$sub->safe_psql('postgres',
	"CREATE SUBSCRIPTION reg_sub CONNECTION '$fake_conn' PUBLICATION reg_pub WITH (copy_data = false)");
$pub->wait_for_catchup('reg_sub');
$pub->safe_psql('fake', 'DELETE FROM cmodel.reg_relation');
$sub->wait_for_log(qr/cannot delete from cmodel's registry table "cmodel\.reg_relation"/, $log_offset);
pass('subscriber: the apply worker\'s DELETE of registry rows is refused');
is($sub->safe_psql('postgres', 'SELECT count(*) FROM cmodel.reg_relation'), $relations,
	'subscriber: the registry keeps its rows');
$sub->safe_psql('postgres', 'DELETE FROM public.staff WHERE dbid = 2');
is($sub->safe_psql('postgres', 'SELECT count(*) FROM ns1.note'), '0',
	'subscriber: on_delete still cascades by the registry');
$sub->safe_psql('postgres', 'ALTER SUBSCRIPTION reg_sub DISABLE');
$sub->safe_psql('postgres', 'ALTER SUBSCRIPTION reg_sub SET (slot_name = NONE)');
$sub->safe_psql('postgres', 'DROP SUBSCRIPTION reg_sub');

$sub->stop;
$pub->stop;
done_testing();
