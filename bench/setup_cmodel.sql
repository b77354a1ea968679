-- bench/setup_cmodel.sql — the cmodel database: the extension, and BenchOwner
-- and BenchRecord registered into namespace :ns (what case (b) re-registers).
-- psql variables: ns, owner, model.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION cmodel;
SELECT count(*) AS owner_actions FROM cmodel_register_model(:'ns', :'owner'::json);
SELECT count(*) AS model_actions FROM cmodel_register_model(:'ns', :'model'::json);
