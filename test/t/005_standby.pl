# test/t/005_hub_standby.pl
#
# Hubs read from a hot standby.  A primary (unix socket only) streams to a
# standby; hubs written on the primary are read on the standby through
# every reading hub function and as plain jsonb with search_path set to the
# namespace, and their GIN index answers a range find there.  Every writing
# hub function fails on the standby with cmodel's own error (25006, naming
# the namespace and saying to write on the primary), never PostgreSQL's
# internal one, and changes nothing.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('hub_primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql(
	'postgres', q{
CREATE EXTENSION cmodel;
SELECT cmodel_create_namespace('hubs_ns');
SELECT cmodel_hub_set_many('hubs_ns', 'staff_preferences', 'staff:' || g,
         jsonb_build_object('pager_number', '555-' || g, 'visits', g * 10,
                            'since', '2024-01-01'::date + g, 'rate', 1.50,
                            '$types', jsonb_build_object('since', 'date', 'rate', 'numeric')))
  FROM generate_series(1, 200) g;
SELECT cmodel_hub_set('hubs_ns', 'staff_preferences', 'staff:1', 'nickname', NULL::text);
CREATE ROLE hub_reader LOGIN;
GRANT USAGE ON SCHEMA hubs_ns TO hub_reader;
GRANT SELECT ON hubs_ns.cmodel_hubs TO hub_reader;
});

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('hub_standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);

is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');

# Plain SQL with search_path, as an analyst on a replica reads.
is( $standby->safe_psql(
		'postgres', q{
SET search_path = hubs_ns;
SELECT count(*), max(attrs->>'pager_number'), sum((attrs->>'visits')::bigint)
  FROM cmodel_hubs WHERE type = 'staff_preferences'}),
	'200|555-99|201000',
	'the store reads as plain jsonb with search_path on the standby');

# Every reading hub function.
my %reads = (
	'get as jsonb' =>
	  [ q{SELECT cmodel_hub_get('hubs_ns', 'staff_preferences', 'staff:7', 'visits')}, '70' ],
	'get typed' => [
		q{SELECT cmodel_hub_get('hubs_ns', 'staff_preferences', 'staff:7', 'since', NULL::date)
		    || '|' || cmodel_hub_get('hubs_ns', 'staff_preferences', 'staff:7', 'rate', NULL::numeric)},
		'2024-01-08|1.50'
	],
	'None and missing' => [
		q{SELECT cmodel_hub_get('hubs_ns', 'staff_preferences', 'staff:1', 'nickname')::text
		    || '|' || cmodel_hub_has('hubs_ns', 'staff_preferences', 'staff:1', 'nickname')
		    || '|' || cmodel_hub_has('hubs_ns', 'staff_preferences', 'staff:1', 'missing')},
		'null|true|false'
	],
	'read' => [
		q{SELECT cmodel_hub_read('hubs_ns', 'staff_preferences', 'staff:2')->>'pager_number'},
		'555-2'
	],
	'attributes' => [
		q{SELECT string_agg(name || '=' || value_type, ',' ORDER BY name)
		    FROM cmodel_hub_attributes('hubs_ns', 'staff_preferences', 'staff:3')},
		'pager_number=text,rate=numeric,since=date,visits=bigint'
	],
	'read many' => [
		q{SELECT string_agg(id, ',') FROM cmodel_hub_read_many('hubs_ns', 'staff_preferences',
		    ARRAY['staff:5', 'staff:4', 'staff:999'])},
		'staff:4,staff:5'
	],
	'find' => [
		q{SELECT count(*) FROM cmodel_hub_find('hubs_ns', cmodel.hub_between('visits', 1000, 1500))},
		'51'
	],
	'find of one type' => [
		q{SELECT count(*) FROM cmodel_hub_find('hubs_ns', cmodel.hub_query('since', '>=', date '2024-07-01'),
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
EXPLAIN (COSTS OFF) SELECT id FROM hubs_ns.cmodel_hubs
 WHERE attrs @@ cmodel.hub_between('visits', 1000, 1500)}),
	qr/Bitmap Index Scan on cmodel_hubs_attrs_idx/,
	'standby: a range find uses the store\'s GIN index');

# A role with only SELECT reads there too.
is( $standby->safe_psql(
		'postgres',
		q{SELECT cmodel_hub_get('hubs_ns', 'staff_preferences', 'staff:9', 'pager_number')},
		extra_params => [ '-U', 'hub_reader' ]),
	'"555-9"',
	'standby: a reading role reads');

# Every writing hub function fails with cmodel's error.
my @writes = (
	q{SELECT * FROM cmodel_hub_get_or_create('hubs_ns', 'staff_preferences', 'staff:500')},
	q{SELECT cmodel_hub_set('hubs_ns', 'staff_preferences', 'staff:1', 'visits', 1)},
	q{SELECT cmodel_hub_set('hubs_ns', 'staff_preferences', 'staff:1', 'pager_number', 'x')},
	q{SELECT cmodel_hub_set_many('hubs_ns', 'staff_preferences', 'staff:1', '{"a": 1}')},
	q{SELECT cmodel_hub_delete_attribute('hubs_ns', 'staff_preferences', 'staff:1', 'visits')},
	q{SELECT cmodel_hub_delete('hubs_ns', 'staff_preferences', 'staff:1')},);
for my $sql (@writes)
{
	my ($rc, $out, $err) = $standby->psql('postgres', $sql, extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	like(
		$err,
		qr/ERROR:  25006: cannot write hubs of namespace "hubs_ns" on a hot standby\n.*HINT:  Write hubs on the primary/s,
		"standby refuses with 25006: $sql");
}
is( $standby->safe_psql(
		'postgres',
		q{SELECT cmodel_hub_get('hubs_ns', 'staff_preferences', 'staff:1', 'visits')}),
	'10',
	'the refused writes changed nothing');

# A write on the primary reaches the standby.
$primary->safe_psql('postgres',
	q{SELECT cmodel_hub_set('hubs_ns', 'staff_preferences', 'staff:1', 'visits', 11)});
$primary->wait_for_catchup($standby);
is( $standby->safe_psql(
		'postgres',
		q{SELECT cmodel_hub_get('hubs_ns', 'staff_preferences', 'staff:1', 'visits', NULL::bigint)}),
	'11',
	'a set on the primary is read on the standby');

$standby->stop;
$primary->stop;
done_testing();
