-- bench/structure.sql — what table :ns.benchrecord ended up with, one line
-- per column ("col|name|type") and per index ("idx|definition"), so run.sh
-- can check that cmodel's table and the SDK's are the same model.
-- psql variables: ns.
\set ON_ERROR_STOP 1
SELECT 'col|' || a.attname || '|' || format_type(a.atttypid, a.atttypmod)
  FROM pg_attribute a
 WHERE a.attrelid = format('%I.benchrecord', :'ns')::regclass
   AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum;
SELECT 'idx|' || pg_get_indexdef(i.indexrelid)
  FROM pg_index i
 WHERE i.indrelid = format('%I.benchrecord', :'ns')::regclass
 ORDER BY 1;
