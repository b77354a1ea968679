# test/t/005_standby.pl
#
# A namespace read from a hot standby.  A primary (unix socket only) streams
# to a standby.  Models, hubs and access levels are registered on the
# primary; on the standby the namespace's tables read with search_path set
# to it, the hubs read through every reading hub function and as plain jsonb
# (their GIN index answers a range find), every read-only cmodel function
# answers (describe, plan, the registry views, readiness, the models hash,
# the delete preview), a read role reads its namespace and nothing else, and
# the reporting role reads every namespace, tables created later included.
# Every writing cmodel function fails on the standby with cmodel's own error
# (25006, saying it needs the primary), never PostgreSQL's internal one, and
# changes nothing.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $item = '{"name": "Item", "fields": [{"name": "label", "type": "TextField"}]}';
my $models = qq{[$item, {"name": "Part", "fields": [{"name": "item", "type": "ForeignKey", "to": "Item", "on_delete": "CASCADE"}, {"name": "code", "type": "CharField", "max_length": 8}]}]};

my $primary = PostgreSQL::Test::Cluster->new('standby_primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql(
	'postgres', qq{
CREATE EXTENSION cmodel;
CREATE TABLE public.staff (dbid bigint PRIMARY KEY, name text);
SELECT cmodel_register_core_model('Staff', 'public.staff', 'dbid');
SELECT count(*) FROM cmodel_register_models('shop_ns', '$models', 'shop');
SELECT count(*) FROM cmodel_register_models('other_ns', '[$item]');
INSERT INTO shop_ns.item (label) SELECT 'item ' || g FROM generate_series(1, 10) g;
INSERT INTO shop_ns.part (item_id, code) SELECT 1 + g % 10, 'c' || g FROM generate_series(1, 30) g;
INSERT INTO other_ns.item (label) VALUES ('secret');
SELECT cmodel_hub_set_many('shop_ns', 'staff_preferences', 'staff:' || g,
         jsonb_build_object('pager_number', '555-' || g, 'visits', g * 10,
                            'since', '2024-01-01'::date + g, 'rate', 1.50,
                            '\$types', jsonb_build_object('since', 'date', 'rate', 'numeric')))
  FROM generate_series(1, 200) g;
SELECT cmodel_hub_set('shop_ns', 'staff_preferences', 'staff:1', 'nickname', NULL::text);
CREATE ROLE shop_reader LOGIN;
CREATE ROLE reporter LOGIN;
SELECT cmodel_grant_access('shop_ns', 'shop_reader', 'read');
SELECT cmodel_set_reporting_role('reporter');
});

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby_standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;

# Made after the standby was started: they reach it as WAL, grants included.
$primary->safe_psql(
	'postgres', q{
SELECT count(*) FROM cmodel_register_model('other_ns', '{"name": "Later", "fields": [{"name": "note", "type": "TextField"}]}');
INSERT INTO other_ns.later (note) VALUES ('late');
});
$primary->wait_for_catchup($standby);

is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');

# Plain SQL with search_path, as an analyst on a replica reads.
is( $standby->safe_psql(
		'postgres', q{
SET search_path = shop_ns;
SELECT count(*), count(DISTINCT i.dbid), max(p.code) FROM part p JOIN item i ON i.dbid = p.item_id}),
	'30|10|c9',
	'the models read with search_path on the standby');
is( $standby->safe_psql(
		'postgres', q{
SET search_path = shop_ns;
SELECT count(*), max(attrs->>'pager_number'), sum((attrs->>'visits')::bigint)
  FROM cmodel_hubs WHERE type = 'staff_preferences'}),
	'200|555-99|201000',
	'the hub store reads as plain jsonb with search_path on the standby');

# Every read-only cmodel function.
my %reads = (
	'describe' => [ q{SELECT cmodel_describe_model('shop_ns', 'Part')->>'name'}, 'Part' ],
	'plan of the registered set' => [
		qq{SELECT count(*) FROM cmodel_plan_models('shop_ns', '$models', 'shop')}, '0'
	],
	'plan of a change' => [
		q{SELECT string_agg(action, ',' ORDER BY action) FROM cmodel_plan_model('shop_ns',
		    '{"name": "Item", "fields": [{"name": "label", "type": "TextField"}, {"name": "n", "type": "IntegerField", "default": 3}]}')},
		'add field,set default'
	],
	'registry views' => [
		q{SELECT (SELECT count(*) FROM cmodel.namespaces) || ',' || (SELECT count(*) FROM cmodel.models)
		    || ',' || (SELECT count(*) FROM cmodel.fields) || ',' || (SELECT count(*) FROM cmodel.relations)
		    || ',' || (SELECT count(*) FROM cmodel.indexes) || ',' || (SELECT count(*) FROM cmodel.core_models)
		    || ',' || (SELECT count(*) FROM cmodel.plugins)},
		'2,4,5,1,1,1,1'
	],
	'access view' => [
		q{SELECT string_agg(namespace || ':' || role || ':' || level, ',' ORDER BY namespace, role)
		    FROM cmodel.access},
		'other_ns:reporter:read,shop_ns:reporter:read,shop_ns:shop_reader:read'
	],
	'reporting role' => [ q{SELECT cmodel_reporting_role()}, 'reporter' ],
	'readiness and hash' => [
		qq{SELECT cmodel_namespace_ready('shop_ns', 'shop', cmodel_models_hash('$models'))}, 't'
	],
	'delete preview' => [
		q{SELECT total || ' ' || (per_model->>'shop_ns.Part') FROM cmodel_delete_preview('shop_ns.item', ARRAY[1, 2]::bigint[])},
		'8 6'
	],
	'hub get as jsonb' =>
	  [ q{SELECT cmodel_hub_get('shop_ns', 'staff_preferences', 'staff:7', 'visits')}, '70' ],
	'hub get typed' => [
		q{SELECT cmodel_hub_get('shop_ns', 'staff_preferences', 'staff:7', 'since', NULL::date)
		    || '|' || cmodel_hub_get('shop_ns', 'staff_preferences', 'staff:7', 'rate', NULL::numeric)},
		'2024-01-08|1.50'
	],
	'hub None and missing' => [
		q{SELECT cmodel_hub_get('shop_ns', 'staff_preferences', 'staff:1', 'nickname')::text
		    || '|' || cmodel_hub_has('shop_ns', 'staff_preferences', 'staff:1', 'nickname')
		    || '|' || cmodel_hub_has('shop_ns', 'staff_preferences', 'staff:1', 'missing')},
		'null|true|false'
	],
	'hub read' => [
		q{SELECT cmodel_hub_read('shop_ns', 'staff_preferences', 'staff:2')->>'pager_number'},
		'555-2'
	],
	'hub attributes' => [
		q{SELECT string_agg(name || '=' || value_type, ',' ORDER BY name)
		    FROM cmodel_hub_attributes('shop_ns', 'staff_preferences', 'staff:3')},
		'pager_number=text,rate=numeric,since=date,visits=bigint'
	],
	'hub read many' => [
		q{SELECT string_agg(id, ',') FROM cmodel_hub_read_many('shop_ns', 'staff_preferences',
		    ARRAY['staff:5', 'staff:4', 'staff:999'])},
		'staff:4,staff:5'
	],
	'hub find' => [
		q{SELECT count(*) FROM cmodel_hub_find('shop_ns', cmodel.hub_between('visits', 1000, 1500))},
		'51'
	],
	'hub find of one type' => [
		q{SELECT count(*) FROM cmodel_hub_find('shop_ns', cmodel.hub_query('since', '>=', date '2024-07-01'),
		    'staff_preferences')},
		'19'
	],);
for my $what (sort keys %reads)
{
	my ($sql, $want) = @{ $reads{$what} };
	is($standby->safe_psql('postgres', $sql), $want, "standby: $what");
}

# The store's index works there.
like(
	$standby->safe_psql(
		'postgres', q{
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM shop_ns.cmodel_hubs
 WHERE attrs @@ cmodel.hub_between('visits', 1000, 1500)}),
	qr/Bitmap Index Scan on cmodel_hubs_attrs_idx/,
	'standby: a range find uses the store\'s GIN index');

# A read role reads its namespace, models and hubs, and nothing else.
is( $standby->safe_psql(
		'postgres',
		q{SET search_path = shop_ns, public; SELECT count(*) FROM item;
		  SELECT cmodel_hub_get('shop_ns', 'staff_preferences', 'staff:9', 'pager_number')},
		extra_params => [ '-U', 'shop_reader' ]),
	"10\n\"555-9\"",
	'standby: a read role reads its namespace');
for my $sql (q{SELECT count(*) FROM other_ns.item}, q{SELECT count(*) FROM other_ns.later})
{
	my ($rc, $out, $err) = $standby->psql('postgres', $sql,
		extra_params => [ '-U', 'shop_reader', '-v', 'VERBOSITY=verbose' ]);
	like($err, qr/ERROR:  42501: permission denied for schema other_ns/,
		"standby: the read role gets 42501 from another namespace: $sql");
}

# The reporting role reads every namespace, the table made later included.
is( $standby->safe_psql(
		'postgres',
		q{SELECT (SELECT count(*) FROM shop_ns.part) || ',' || (SELECT label FROM other_ns.item)
		    || ',' || (SELECT note FROM other_ns.later)
		    || ',' || cmodel_hub_get('shop_ns', 'staff_preferences', 'staff:9', 'visits')},
		extra_params => [ '-U', 'reporter' ]),
	'30,secret,late,90',
	'standby: the reporting role reads every namespace');

# Every writing function fails with cmodel's error, naming what it was asked.
my @writes = (
	[ qq{SELECT * FROM cmodel_register_models('shop_ns', '$models', 'shop')}, 'register models into namespace "shop_ns"' ],
	[ qq{SELECT * FROM cmodel_register_models('shop_ns', '$models'::jsonb)}, 'register models into namespace "shop_ns"' ],
	[ qq{SELECT * FROM cmodel_register_model('shop_ns', '$item')}, 'register models into namespace "shop_ns"' ],
	[ qq{SELECT * FROM cmodel_register_model('shop_ns', '$item'::json)}, 'register models into namespace "shop_ns"' ],
	[ q{SELECT cmodel_create_namespace('new_ns')}, 'register models into namespace "new_ns"' ],
	[ q{SELECT cmodel_register_core_model('Staff', 'public.staff', 'dbid')}, 'register core model "Staff"' ],
	[ q{SELECT cmodel_grant_access('shop_ns', 'reporter', 'read')}, 'grant access to namespace "shop_ns"' ],
	[ q{SELECT cmodel_revoke_access('shop_ns', 'shop_reader')}, 'revoke access to namespace "shop_ns"' ],
	[ q{SELECT cmodel_set_reporting_role(NULL)}, 'set the reporting role' ],
	[ q{SELECT cmodel_set_plugin_deployer('shop_ns', 'shop', 'shop_reader')}, 'hand over plugins of namespace "shop_ns"' ],
	[ q{SELECT * FROM cmodel_hub_get_or_create('shop_ns', 'staff_preferences', 'staff:500')}, 'write hubs of namespace "shop_ns"' ],
	[ q{SELECT cmodel_hub_set('shop_ns', 'staff_preferences', 'staff:1', 'visits', 1)}, 'write hubs of namespace "shop_ns"' ],
	[ q{SELECT cmodel_hub_set('shop_ns', 'staff_preferences', 'staff:1', 'pager_number', 'x')}, 'write hubs of namespace "shop_ns"' ],
	[ q{SELECT cmodel_hub_set_many('shop_ns', 'staff_preferences', 'staff:1', '{"a": 1}')}, 'write hubs of namespace "shop_ns"' ],
	[ q{SELECT cmodel_hub_delete_attribute('shop_ns', 'staff_preferences', 'staff:1', 'visits')}, 'write hubs of namespace "shop_ns"' ],
	[ q{SELECT cmodel_hub_delete('shop_ns', 'staff_preferences', 'staff:1')}, 'write hubs of namespace "shop_ns"' ],);
for my $w (@writes)
{
	my ($sql, $what) = @$w;
	my ($rc, $out, $err) = $standby->psql('postgres', $sql, extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	like(
		$err,
		qr/ERROR:  25006: cannot \Q$what\E on a hot standby\n.*HINT:  Run it on the primary server/s,
		"standby refuses with 25006: $sql");
}
is( $standby->safe_psql(
		'postgres',
		q{SELECT cmodel_hub_get('shop_ns', 'staff_preferences', 'staff:1', 'visits')::text
		    || ',' || (SELECT count(*) FROM cmodel.access)}),
	'10,3',
	'the refused writes changed nothing');

# A read-only transaction on the primary gets the same kind of error.
my ($rc, $out, $err) = $primary->psql('postgres',
	q{SET default_transaction_read_only = on; SELECT * FROM cmodel_register_model('shop_ns', '{"name": "Ro", "fields": []}')},
	extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/ERROR:  25006: cannot register models into namespace "shop_ns" in a read-only transaction/,
	'primary: a read-only transaction refuses registration with cmodel\'s 25006');

# A write on the primary reaches the standby.
$primary->safe_psql('postgres',
	q{SELECT cmodel_hub_set('shop_ns', 'staff_preferences', 'staff:1', 'visits', 11)});
$primary->wait_for_catchup($standby);
is( $standby->safe_psql(
		'postgres',
		q{SELECT cmodel_hub_get('shop_ns', 'staff_preferences', 'staff:1', 'visits', NULL::bigint)}),
	'11',
	'a set on the primary is read on the standby');

$standby->stop;
$primary->stop;
done_testing();
