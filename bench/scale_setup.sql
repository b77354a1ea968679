-- bench/scale_setup.sql — the functions bench/scale.sh measures with: a
-- four-model namespace (CASCADE, SET_NULL and DO_NOTHING relations, a JSON
-- default, an index, auto_now), a procedure that registers it into
-- namespaces sc_1 .. sc_N, and a timer for the full (uncached) check.
SET client_min_messages = warning;
CREATE EXTENSION cmodel;

CREATE FUNCTION public.scale_models() RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT '[
 {"name": "Owner", "fields": [{"name": "name", "type": "TextField"}, {"name": "n", "type": "IntegerField", "null": true}],
  "meta": {"indexes": [{"fields": ["name"], "name": "owner_name_idx"}]}},
 {"name": "Item", "fields": [{"name": "owner", "type": "ForeignKey", "to": "Owner", "on_delete": "CASCADE", "related_name": "items"},
                             {"name": "data", "type": "JSONField", "default": {}}]},
 {"name": "Tag", "fields": [{"name": "item", "type": "ForeignKey", "to": "Item", "on_delete": "SET_NULL", "null": true, "related_name": "tags"},
                            {"name": "label", "type": "CharField", "max_length": 50}]},
 {"name": "Note", "fields": [{"name": "owner", "type": "ForeignKey", "to": "Owner", "on_delete": "DO_NOTHING", "related_name": "notes"},
                             {"name": "at", "type": "DateTimeField", "auto_now": true}]}
]' $$;

-- Register the models into sc_1 .. sc_<upto> (those not there yet), one
-- transaction each.
CREATE PROCEDURE public.scale_fill(upto int)
LANGUAGE plpgsql AS $$
DECLARE
    have int;
BEGIN
    SELECT count(*) INTO have FROM cmodel.reg_namespace WHERE namespace LIKE 'sc\_%';
    FOR i IN have + 1 .. upto LOOP
        PERFORM count(*) FROM cmodel_register_models('sc_' || i, public.scale_models());
        COMMIT;
    END LOOP;
END $$;

-- Whitespace that spells n in base 4 (space, tab, newline, carriage
-- return): sixteen characters that make every call's text different.
CREATE FUNCTION public.scale_ws(n bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    s text := '';
BEGIN
    FOR k IN 1 .. 16 LOOP
        s := s || (ARRAY[' ', E'\t', E'\n', E'\r'])[n % 4 + 1];
        n := n / 4;
    END LOOP;
    RETURN s;
END $$;

-- Median milliseconds of the full check of sc_1: the same models each
-- time, followed by whitespace the no-op cache has not seen (so it never
-- answers) and with nothing to change (an action would be an error: the
-- measurement would not be of the check).  Each call is timed alone, after
-- warmup unmeasured ones.
CREATE FUNCTION public.scale_check(iterations int, warmup int) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    times float8[] := '{}';
    actions int;
    salt bigint := (random() * 4e9)::bigint * 1000;
    models text := public.scale_models();
    call text;
BEGIN
    FOR i IN 1 .. warmup + iterations LOOP
        call := models || public.scale_ws(salt + i);
        t0 := clock_timestamp();
        SELECT count(*) INTO actions FROM cmodel_register_models('sc_1', call);
        IF i > warmup THEN
            times := times || extract(epoch FROM clock_timestamp() - t0)::float8 * 1000;
        END IF;
        IF actions <> 0 THEN
            RAISE EXCEPTION 'scale_check: the registration planned % actions', actions;
        END IF;
    END LOOP;
    RETURN round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t)::numeric, 3);
END $$;
