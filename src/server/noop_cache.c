/*-------------------------------------------------------------------------
 *
 * noop_cache.c
 *	  The no-op cache: a registration call already applied at the
 *	  namespace's current generation is answered without reading catalogs.
 *
 * cmodel.reg_applied remembers, per namespace, the calls (namespace, kind,
 * plugin and exact descriptor text, hashed) that were fully applied at a
 * generation.  Everything that can change what a registration would plan
 * moves the namespace's generation: registrations that change something,
 * core model registrations, and any DDL reaching the namespace or a core
 * table, through the lifecycle guard's event triggers.  So a hit means the
 * call would plan nothing, and answering it costs one indexed lookup.
 *
 * src/server/noop_cache.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/md5.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"

#include "cmodel.h"

/*
 * See cmodel.h.  The key of one registration call: namespace, kind, plugin and the exact
 * descriptor text.  Different spacing only costs a cache miss.
 */
char *
cmodel_call_hash(const char *ns, bool is_array, const char *plugin, const char *json)
{
	StringInfoData buf;
	char	   *hex = palloc(MD5_PASSWD_LEN + 1);
	const char *errstr = NULL;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s%c%c%s%c", ns, '\0', is_array ? 'A' : 'O',
					 plugin ? plugin : "", '\0');
	appendBinaryStringInfo(&buf, json, strlen(json));
	if (!pg_md5_hash(buf.data, buf.len, hex, &errstr))
		elog(ERROR, "cmodel: could not compute MD5: %s", errstr);
	return hex;
}

/*
 * Was exactly this call applied at the namespace's current generation?  If
 * so nothing in the registry or the schema has changed since (every change
 * moves the generation: registrations, core models, and any DDL reaching
 * the namespace, through the event triggers), so it would plan nothing.
 * *plugin_hash gets the plugin's recorded model-set hash.
 */
static bool
cached_noop(const char *ns, const char *call_hash, const char *plugin,
			char **plugin_hash)
{
	const char *args[3] = {ns, call_hash, plugin};

	cmodel_exec("SELECT p.models_hash FROM cmodel.reg_namespace n"
				"  JOIN cmodel.reg_applied a ON a.namespace = n.namespace AND a.generation = n.generation"
				"  LEFT JOIN cmodel.reg_plugin p ON p.namespace = n.namespace AND p.plugin = $3"
				" WHERE n.namespace = $1 AND a.call_hash = $2", 3, args, true);
	if (SPI_processed == 0)
		return false;
	*plugin_hash = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return true;
}

/*
 * See cmodel.h.  Remember that a call is fully applied.  When it changed anything, the
 * namespace moves to a new generation first and older entries are dropped.
 */
void
cmodel_record_applied(const char *ns, const char *call_hash, bool changed)
{
	const char *args[2] = {ns, call_hash};

	if (changed)
	{
		cmodel_registry_exec("UPDATE cmodel.reg_namespace SET generation = generation + 1"
							 " WHERE namespace = $1", 1, args);
		cmodel_registry_exec("DELETE FROM cmodel.reg_applied a USING cmodel.reg_namespace n"
							 " WHERE a.namespace = $1 AND n.namespace = a.namespace"
							 "   AND a.generation < n.generation", 1, args);
	}
	cmodel_registry_exec("INSERT INTO cmodel.reg_applied (namespace, call_hash, generation)"
						 " SELECT n.namespace, $2, n.generation FROM cmodel.reg_namespace n"
						 "  WHERE n.namespace = $1"
						 " ON CONFLICT ON CONSTRAINT reg_applied_pkey"
						 " DO UPDATE SET generation = excluded.generation", 2, args);
}

/*
 * See cmodel.h.  Answer a call from the no-op cache when it can: the same
 * call was applied at the namespace's current generation, so it would plan
 * nothing.  A plugin's listeners are still notified.
 */
bool
cmodel_noop_answer(const char *ns, const char *call_hash, const char *plugin, bool apply)
{
	char	   *plugin_hash = NULL;

	if (!cached_noop(ns, call_hash, plugin, &plugin_hash))
		return false;
	if (apply && plugin && plugin_hash)
		cmodel_notify_ready(ns, plugin, plugin_hash);
	return true;
}
