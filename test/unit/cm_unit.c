/*-------------------------------------------------------------------------
 *
 * cm_unit.c
 *	  Unit tests of the server-independent core: parsing, validation rules,
 *	  naming, normalization, planning and running out of memory, built with
 *	  ASan/UBSan.
 *
 * Each check prints "ok"/"not ok" with a description; the last line is
 * "N passed, N failed" and the exit status is non-zero on any failure.
 *
 * test/unit/cm_unit.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_core.h"
#include "../cm_testlib.h"

#include <jansson.h>

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	npassed;
static int	nfailed;

static void
check(bool ok, const char *what, const char *extra)
{
	if (ok)
		npassed++;
	else
		nfailed++;
	printf("%s - %s%s%s\n", ok ? "ok" : "not ok", what, extra ? ": " : "", extra ? extra : "");
}

/* Plan descriptors against an empty namespace; returns the error or NULL. */
static const CmError *
plan_json(CmArena *a, const char *json, bool is_array, CmPlan *plan, CmSnapshot *snap)
{
	static CmError err;

	memset(&err, 0, sizeof(err));
	cm_test_base_snapshot(snap, "my_plugin");
	if (cm_plan_text(a, &cm_default_env, snap, json, is_array, NULL, plan, &err))
		return NULL;
	return &err;
}

/* Expect a descriptor to be rejected with a message containing needle. */
static void
expect_error(const char *what, const char *json, CmErrorKind kind, const char *needle)
{
	CmArena    *a = cm_arena_new();
	CmPlan		plan;
	CmSnapshot	snap;
	const CmError *e = plan_json(a, json, json[0] == '[', &plan, &snap);
	bool		ok = e && e->kind == kind && strstr(e->message, needle) &&
	e->detail && e->hint;

	check(ok, what, e ? e->message : "accepted");
	cm_arena_free(a);
}

/* Expect a descriptor to be accepted; returns the number of actions. */
static int
expect_ok(const char *what, const char *json)
{
	CmArena    *a = cm_arena_new();
	CmPlan		plan;
	CmSnapshot	snap;
	const CmError *e = plan_json(a, json, json[0] == '[', &plan, &snap);
	int			n = e ? -1 : plan.nactions;

	check(e == NULL, what, e ? e->message : NULL);
	cm_arena_free(a);
	return n;
}

/* The SQL of the first action whose object ends with suffix. */
static bool
plan_has(const char *json, const char *action, const char *sql_part)
{
	CmArena    *a = cm_arena_new();
	CmPlan		plan;
	CmSnapshot	snap;
	const CmError *e = plan_json(a, json, json[0] == '[', &plan, &snap);
	bool		found = false;
	int			i;

	for (i = 0; !e && i < plan.nactions && !found; i++)
		found = strcmp(cm_action_name(plan.actions[i].kind), action) == 0 &&
			(sql_part == NULL || (plan.actions[i].sql && strstr(plan.actions[i].sql, sql_part)));
	cm_arena_free(a);
	return found;
}

static const char *seed =
"[{\"name\":\"CustomStaff\",\"bases\":[\"Staff\",\"ModelExtension\"]},"
" {\"name\":\"CustomPatient\",\"bases\":[\"Patient\"],\"meta\":{\"proxy\":true}},"
" {\"name\":\"StaffSpecialty\",\"fields\":["
"   {\"name\":\"staff\",\"type\":\"ForeignKey\",\"to\":\"CustomStaff\",\"on_delete\":\"CASCADE\",\"related_name\":\"staff_specialties\"},"
"   {\"name\":\"specialty\",\"type\":\"ForeignKey\",\"to\":\"Specialty\",\"on_delete\":\"CASCADE\",\"related_name\":\"staff_specialties\"}],"
"  \"meta\":{\"constraints\":[{\"type\":\"UniqueConstraint\",\"fields\":[\"staff\",\"specialty\"],\"name\":\"unique_staff_specialty\"}]}},"
" {\"name\":\"Specialty\",\"fields\":[{\"name\":\"name\",\"type\":\"TextField\"},"
"   {\"name\":\"staff\",\"type\":\"ManyToManyField\",\"to\":\"CustomStaff\",\"through\":\"StaffSpecialty\",\"related_name\":\"%(app_label)s_specialties\"}],"
"  \"meta\":{\"indexes\":[{\"fields\":[\"name\"]}]}},"
" {\"name\":\"PatientPreferences\",\"fields\":[{\"name\":\"patient\",\"type\":\"OneToOneField\",\"to\":\"CustomPatient\",\"to_field\":\"dbid\",\"on_delete\":\"CASCADE\",\"related_name\":\"preferences\",\"primary_key\":true},"
"   {\"name\":\"preferences\",\"type\":\"JSONField\",\"default\":{}}]},"
" {\"name\":\"Timestamped\",\"fields\":[{\"name\":\"created_at\",\"type\":\"DateTimeField\",\"auto_now_add\":true}],"
"  \"meta\":{\"abstract\":true,\"indexes\":[{\"fields\":[\"-created_at\"],\"name\":\"%(class)s_recent\"}]}},"
" {\"name\":\"Memo\",\"bases\":[\"Timestamped\"],\"fields\":[{\"name\":\"text\",\"type\":\"TextField\"}]},"
" {\"name\":\"Note\",\"bases\":[\"Timestamped\"],\"fields\":[{\"name\":\"body\",\"type\":\"TextField\"},"
"   {\"name\":\"parent\",\"type\":\"ForeignKey\",\"to\":\"self\",\"on_delete\":\"CASCADE\",\"related_name\":\"children\"},"
"   {\"name\":\"author\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"SET_NULL\",\"related_name\":\"%(app_label)s_notes\"},"
"   {\"name\":\"score\",\"type\":\"DecimalField\",\"max_digits\":12,\"db_index\":true},"
"   {\"name\":\"active\",\"type\":\"BooleanField\"}],"
"  \"meta\":{\"indexes\":[{\"fields\":[\"body\"],\"name\":\"active_body\",\"condition\":{\"active\":true,\"score__gte\":1.5,\"body__in\":[\"a\",\"b'c\"]}}],"
"           \"unique_together\":[\"body\",\"author\"]}}]";

/* The SQL of every action, planned in a namespace with the given rules; NULL on error. */
static char *
plan_sql_with_rules(CmArena *a, CmRules rules, const char *json, CmError *err)
{
	CmSnapshot	snap;
	CmPlan		plan;
	CmBuf		b;
	int			i;

	cm_test_base_snapshot(&snap, "grit");
	snap.rules = rules;
	if (!cm_plan_text(a, &cm_default_env, &snap, json, json[0] == '[', NULL, &plan, err))
		return NULL;
	cm_buf_init(&b, a);
	for (i = 0; i < plan.nactions; i++)
		cm_buf_printf(&b, "%s: %s\n", cm_action_name(plan.actions[i].kind),
					  plan.actions[i].sql ? plan.actions[i].sql : "");
	return b.data;
}

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------
 */
static void
test_seed_plan(void)
{
	CmArena    *a = cm_arena_new();
	CmPlan		plan,
				again;
	CmSnapshot	snap,
				applied;
	const CmError *e = plan_json(a, seed, true, &plan, &snap);
	CmError		err = {0};

	check(e == NULL, "seed models plan", e ? e->message : NULL);
	if (e == NULL)
	{
		bool		ok;

		cm_test_applied_snapshot(a, &snap, &plan, NULL, &applied);
		ok = cm_plan_text(a, &cm_default_env, &applied, seed, true, NULL, &again, &err);
		check(ok && again.nactions == 0, "re-planning applied seed is empty",
			  !ok ? err.message : again.nactions ? again.actions[0].object : NULL);
	}
	check(plan_has(seed, "create model", "\"patient_id\" bigint PRIMARY KEY, \"preferences\" jsonb DEFAULT '{}'::jsonb)"),
		  "OneToOne primary key replaces dbid", NULL);
	check(plan_has(seed, "create model", "\"note\" (\"dbid\" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \"created_at\" timestamp with time zone, \"body\" text, \"parent_id\" bigint, \"author_id\" bigint, \"score\" numeric(12,10)"),
		  "inherited fields first, FK columns typed as target key", NULL);
	check(!plan_has(seed, "create model", "\"staff\" bigint"), "ManyToMany has no column", NULL);
	check(plan_has(seed, "create index", "\"my_plugin_memo_memo_recent\" ON \"my_plugin\".\"memo\" USING btree (\"created_at\" DESC)"),
		  "abstract Meta inherited with %(class)s when the child has no Meta", NULL);
	check(!plan_has(seed, "create index", "note_recent"),
		  "a child with its own Meta does not inherit the base's", NULL);
	check(plan_has(seed, "create index",
				   "WHERE \"active\" = true AND \"body\" IN ('a'::text, 'b''c'::text) AND \"score\" >= 1.5"),
		  "partial index condition rendered with literals, lookups sorted", NULL);
	check(plan_has(seed, "create unique index", "(\"body\", \"author_id\")"), "unique_together", NULL);
	check(plan_has(seed, "create index", "\"my_plugin_note_score_idx\""), "db_index", NULL);
	check(plan_has(seed, "create index", "\"my_plugin_staffspecialty_staff_id_idx\""), "FK auto index", NULL);
	check(!plan_has(seed, "create unique index", "patientpreferences_patient_id_uniq"),
		  "OneToOne primary key gets no extra unique index", NULL);
	cm_arena_free(a);
}

/* Django's rules: any key, unique=True, NOT NULL, varchar; Canvas's refuse them. */
static void
test_rule_sets(void)
{
	CmArena    *a = cm_arena_new();
	CmError		err = {0};
	const char *grit =
		"[{\"name\":\"Category\",\"fields\":[{\"name\":\"code\",\"type\":\"CharField\",\"max_length\":20,\"primary_key\":true},"
		"  {\"name\":\"title\",\"type\":\"CharField\",\"max_length\":100,\"unique\":true},"
		"  {\"name\":\"note\",\"type\":\"TextField\",\"null\":true}]},"
		" {\"name\":\"Item\",\"fields\":[{\"name\":\"id\",\"type\":\"UUIDField\",\"primary_key\":true,\"default\":\"uuid4\"},"
		"  {\"name\":\"category\",\"type\":\"ForeignKey\",\"to\":\"Category\",\"on_delete\":\"CASCADE\"},"
		"  {\"name\":\"email\",\"type\":\"EmailField\"}]},"
		" {\"name\":\"Tally\",\"fields\":[{\"name\":\"id\",\"type\":\"BigAutoField\",\"primary_key\":true},"
		"  {\"name\":\"item\",\"type\":\"ForeignKey\",\"to\":\"Item\",\"on_delete\":\"SET_NULL\",\"null\":true}]}]";
	char	   *sql = plan_sql_with_rules(a, CM_RULES_DJANGO, grit, &err);

	check(sql && strstr(sql, "CREATE TABLE \"grit\".\"category\" (\"code\" character varying(20) PRIMARY KEY, "
						"\"title\" character varying(100) NOT NULL, \"note\" text)"),
		  "Django's rules: a CharField key, varchar(max_length), NOT NULL unless null=True", sql ? NULL : err.message);
	check(sql && strstr(sql, "create unique index: CREATE UNIQUE INDEX") && strstr(sql, "(\"title\")"),
		  "Django's rules: unique=True is a unique index", NULL);
	check(sql && strstr(sql, "\"id\" uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(), "
						"\"category_id\" character varying(20) NOT NULL, \"email\" character varying(254) NOT NULL"),
		  "Django's rules: a uuid4 key, relations typed as the target's key, EmailField's default length", NULL);
	check(sql && strstr(sql, "\"id\" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \"item_id\" uuid)"),
		  "Django's rules: a BigAutoField key is an identity", NULL);
	memset(&err, 0, sizeof(err));
	check(plan_sql_with_rules(a, CM_RULES_CANVAS, grit, &err) == NULL && err.message &&
		  strstr(err.message, "primary_key is not supported on CharField") && strstr(err.hint, "'django'"),
		  "Canvas's rules refuse the same models, naming Django's rules in the hint", err.message);
	memset(&err, 0, sizeof(err));
	check(plan_sql_with_rules(a, CM_RULES_DJANGO,
							  "{\"name\":\"A\",\"fields\":[{\"name\":\"n\",\"type\":\"AutoField\"}]}", &err) == NULL &&
		  err.message && strstr(err.message, "must set primary_key"),
		  "Django's rules: an AutoField is a primary key (fields.E100)", err.message);
	memset(&err, 0, sizeof(err));
	check(plan_sql_with_rules(a, CM_RULES_DJANGO,
							  "{\"name\":\"A\",\"fields\":[{\"name\":\"p\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"SET_NULL\",\"related_name\":\"+\"}]}", &err) == NULL &&
		  err.message && strstr(err.message, "SET_NULL"),
		  "Django's rules: SET_NULL needs null=True (fields.E320)", err.message);
	memset(&err, 0, sizeof(err));
	check(plan_sql_with_rules(a, CM_RULES_CANVAS,
							  "{\"name\":\"A\",\"fields\":[{\"name\":\"n\",\"type\":\"AutoField\",\"primary_key\":true}]}", &err) == NULL &&
		  err.message && strstr(err.message, "primary_key is not supported on AutoField"),
		  "Canvas's rules: no AutoField key", err.message);
	cm_arena_free(a);
}

static void
test_validation_rules(void)
{
	expect_error("unknown field type", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextFeild\"}]}",
				 CM_ERR_INVALID, "fields[0].type");
	expect_error("unknown option", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"DecimalField\",\"max_digit\":3}]}",
				 CM_ERR_INVALID, "unknown option \"max_digit\"");
	expect_error("option of another type", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"IntegerField\",\"max_length\":3}]}",
				 CM_ERR_INVALID, "does not apply");
	expect_error("unique=True", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\",\"unique\":true}]}",
				 CM_ERR_INVALID, "unique=True");
	expect_error("primary_key on TextField", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\",\"primary_key\":true}]}",
				 CM_ERR_INVALID, "primary_key");
	expect_error("choices not a list", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\",\"choices\":{\"a\":\"A\"}}]}",
				 CM_ERR_INVALID, "choices must be an array");
	expect_error("a choice that is not a pair", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\",\"choices\":[[\"a\",\"A\"],[\"b\"]]}]}",
				 CM_ERR_INVALID, "choice is not a pair");
	check(plan_has("{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\",\"choices\":[[\"a\",\"A\"],[\"G\",[[1,\"one\"]]]]}]}",
				   "create model", "\"x\" text"), "choices are recorded and change no column", NULL);
	expect_error("on_delete missing", "{\"name\":\"A\",\"fields\":[{\"name\":\"s\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"related_name\":\"+\"}]}",
				 CM_ERR_INVALID, "fields[0].on_delete");
	expect_error("on_delete PROTECT", "{\"name\":\"A\",\"fields\":[{\"name\":\"s\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"PROTECT\",\"related_name\":\"+\"}]}",
				 CM_ERR_INVALID, "PROTECT");
	expect_error("ManyToMany without through", "{\"name\":\"A\",\"fields\":[{\"name\":\"s\",\"type\":\"ManyToManyField\",\"to\":\"Staff\"}]}",
				 CM_ERR_INVALID, "through");
	expect_error("through with one FK",
				 "[{\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"ForeignKey\",\"to\":\"A\",\"on_delete\":\"CASCADE\"}]},"
				 "{\"name\":\"A\",\"fields\":[{\"name\":\"s\",\"type\":\"ManyToManyField\",\"to\":\"B\",\"through\":\"T\"}]},"
				 "{\"name\":\"B\",\"fields\":[]}]", CM_ERR_INVALID, "does not link both sides");
	expect_error("UniqueConstraint in indexes", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\"}],\"meta\":{\"indexes\":[{\"type\":\"UniqueConstraint\",\"fields\":[\"x\"],\"name\":\"u\"}]}}",
				 CM_ERR_INVALID, "meta.indexes[0].type");
	expect_error("CheckConstraint", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\"}],\"meta\":{\"constraints\":[{\"type\":\"CheckConstraint\",\"fields\":[\"x\"],\"name\":\"u\"}]}}",
				 CM_ERR_INVALID, "CheckConstraint");
	expect_error("descending UniqueConstraint", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\"}],\"meta\":{\"constraints\":[{\"fields\":[\"-x\"],\"name\":\"u\"}]}}",
				 CM_ERR_INVALID, "descending");
	expect_error("UniqueConstraint without name", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\"}],\"meta\":{\"constraints\":[{\"fields\":[\"x\"]}]}}",
				 CM_ERR_INVALID, "no name");
	expect_error("index on FK column", "{\"name\":\"A\",\"fields\":[{\"name\":\"s\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"CASCADE\",\"related_name\":\"+\"}],\"meta\":{\"indexes\":[{\"fields\":[\"s\"]}]}}",
				 CM_ERR_INVALID, "automatically indexed");
	expect_error("related_name to core not namespaced", "{\"name\":\"A\",\"fields\":[{\"name\":\"s\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"CASCADE\",\"related_name\":\"notes\"}]}",
				 CM_ERR_INVALID, "not namespaced");
	expect_ok("related_name with app label prefix", "{\"name\":\"A\",\"fields\":[{\"name\":\"s\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"CASCADE\",\"related_name\":\"my_plugin_notes\"}]}");
	expect_ok("seed related_name %(app_label)s__certifications", "{\"name\":\"A\",\"fields\":[{\"name\":\"s\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"CASCADE\",\"related_name\":\"%(app_label)s__certifications\"}]}");
	expect_error("field name with __", "{\"name\":\"A\",\"fields\":[{\"name\":\"a__b\",\"type\":\"TextField\"}]}",
				 CM_ERR_INVALID, "\"__\"");
	expect_error("field name ending _", "{\"name\":\"A\",\"fields\":[{\"name\":\"ab_\",\"type\":\"TextField\"}]}",
				 CM_ERR_INVALID, "ends with");
	expect_error("field name pk", "{\"name\":\"A\",\"fields\":[{\"name\":\"pk\",\"type\":\"TextField\"}]}",
				 CM_ERR_RESERVED, "reserved");
	expect_error("field name check", "{\"name\":\"A\",\"fields\":[{\"name\":\"check\",\"type\":\"TextField\"}]}",
				 CM_ERR_RESERVED, "reserved");
	expect_error("reverse accessor clash",
				 "[{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"ForeignKey\",\"to\":\"B\",\"on_delete\":\"CASCADE\",\"related_name\":\"r\"},"
				 "{\"name\":\"y\",\"type\":\"ForeignKey\",\"to\":\"B\",\"on_delete\":\"CASCADE\",\"related_name\":\"r\"}]},{\"name\":\"B\"}]",
				 CM_ERR_DUPLICATE, "clashes");
	expect_error("default accessor clash",
				 "[{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"ForeignKey\",\"to\":\"B\",\"on_delete\":\"CASCADE\"},"
				 "{\"name\":\"y\",\"type\":\"ForeignKey\",\"to\":\"B\",\"on_delete\":\"CASCADE\"}]},{\"name\":\"B\"}]",
				 CM_ERR_DUPLICATE, "a_set");
	expect_error("GinIndex on text", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\"}],\"meta\":{\"indexes\":[{\"type\":\"GinIndex\",\"fields\":[\"x\"],\"name\":\"g\"}]}}",
				 CM_ERR_INVALID, "GinIndex");
	expect_error("reserved table name", "{\"name\":\"cmodel_hub\",\"fields\":[]}", CM_ERR_RESERVED, "reserved");
	expect_error("relation to missing model", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"ForeignKey\",\"to\":\"Nope\",\"on_delete\":\"CASCADE\"}]}",
				 CM_ERR_UNDEFINED, "fields[0].to");
	expect_error("multi-table inheritance", "[{\"name\":\"A\",\"fields\":[]},{\"name\":\"B\",\"bases\":[\"A\"]}]",
				 CM_ERR_INVALID, "multi-table");
	expect_error("inheritance cycle", "[{\"name\":\"A\",\"bases\":[\"B\"],\"meta\":{\"abstract\":true}},{\"name\":\"B\",\"bases\":[\"A\"],\"meta\":{\"abstract\":true}}]",
				 CM_ERR_INVALID, "cycle");
	expect_error("primary key cycle",
				 "[{\"name\":\"A\",\"fields\":[{\"name\":\"b\",\"type\":\"OneToOneField\",\"to\":\"B\",\"on_delete\":\"CASCADE\",\"primary_key\":true}]},"
				 "{\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":\"OneToOneField\",\"to\":\"A\",\"on_delete\":\"CASCADE\",\"primary_key\":true}]}]",
				 CM_ERR_INVALID, "cycle");
	expect_error("column clash staff/staff_id",
				 "{\"name\":\"A\",\"fields\":[{\"name\":\"staff\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"CASCADE\",\"related_name\":\"+\"},{\"name\":\"staff_id\",\"type\":\"IntegerField\"}]}",
				 CM_ERR_DUPLICATE, "column name clash");
	expect_error("malformed JSON reports line and column", "{\"name\":\"A\",\n\"fields\": [\n{\"name\": \"x\" \"type\": \"TextField\"}]}",
				 CM_ERR_JSON, "line 3, column");
	expect_error("duplicate JSON keys", "{\"name\":\"A\",\"name\":\"B\"}", CM_ERR_JSON, "duplicate");
	expect_error("to_field not unique", "[{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\"}]},"
				 "{\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":\"ForeignKey\",\"to\":\"A\",\"to_field\":\"x\",\"on_delete\":\"CASCADE\"}]}]",
				 CM_ERR_INVALID, "not unique");
	expect_ok("to_field on unique field", "[{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"UUIDField\"}],\"meta\":{\"constraints\":[{\"fields\":[\"x\"],\"name\":\"ux\"}]}},"
			  "{\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":\"ForeignKey\",\"to\":\"A\",\"to_field\":\"x\",\"on_delete\":\"CASCADE\"}]}]");
	check(plan_has("[{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"UUIDField\"}],\"meta\":{\"constraints\":[{\"fields\":[\"x\"],\"name\":\"ux\"}]}},"
				   "{\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":\"ForeignKey\",\"to\":\"A\",\"to_field\":\"x\",\"on_delete\":\"CASCADE\"}]}]",
				   "create model", "\"a_id\" uuid"), "to_field column typed as the target field", NULL);
	expect_error("proxy with fields", "{\"name\":\"P\",\"bases\":[\"Staff\"],\"meta\":{\"proxy\":true},\"fields\":[{\"name\":\"x\",\"type\":\"TextField\"}]}",
				 CM_ERR_INVALID, "proxy");
	expect_error("model twice in a call", "[{\"name\":\"A\"},{\"name\":\"A\"}]", CM_ERR_DUPLICATE, "twice");
	expect_error("table name clash", "[{\"name\":\"Abc\"},{\"name\":\"ABC\"}]", CM_ERR_DUPLICATE, "table name clash");
	expect_error("conditional index without name", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"IntegerField\"}],\"meta\":{\"indexes\":[{\"fields\":[\"x\"],\"condition\":{\"x__gt\":1}}]}}",
				 CM_ERR_INVALID, "no name");
	expect_error("unknown lookup", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"IntegerField\"}],\"meta\":{\"indexes\":[{\"fields\":[\"x\"],\"name\":\"i\",\"condition\":{\"x__like\":1}}]}}",
				 CM_ERR_INVALID, "like");
	expect_error("bad default type", "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"IntegerField\",\"default\":\"one\"}]}",
				 CM_ERR_INVALID, "default");
	expect_error("unknown descriptor key", "{\"name\":\"A\",\"feilds\":[]}", CM_ERR_INVALID, "feilds");
	expect_error("unknown Meta option", "{\"name\":\"A\",\"meta\":{\"db_table\":\"x\"}}", CM_ERR_INVALID, "db_table");
}

static void
test_naming(void)
{
	CmArena    *a = cm_arena_new();
	CmError		err = {0};
	char		longname[80];
	char	   *n1,
			   *n2,
			   *n3;

	check(strcmp(cm_index_name(a, "ns", "tbl", "idx"), "ns_tbl_idx") == 0, "short index name kept", NULL);
	memset(longname, 'x', 60);
	longname[60] = '\0';
	n1 = cm_index_name(a, "my_plugin", "providerqualification", longname);
	longname[59] = 'y';
	n2 = cm_index_name(a, "my_plugin", "providerqualification", longname);
	n3 = cm_index_name(a, "my_plugin", "providerqualification", longname);
	check(strlen(n1) == 63 && strlen(n2) == 63, "long index names are 63 bytes", n1);
	check(strcmp(n1, n2) != 0, "long names differing at the end stay distinct", n2);
	check(strcmp(n2, n3) == 0, "long names are deterministic", NULL);
	check(cm_valid_namespace("org__name", a, &err), "org__name is a valid namespace", NULL);
	check(!cm_valid_namespace("Public", a, &err), "upper case namespace rejected", NULL);
	check(!cm_valid_namespace("public", a, &err) && err.kind == CM_ERR_RESERVED, "public reserved", NULL);
	check(!cm_valid_namespace("pg_x", a, &err), "pg_ prefix reserved", NULL);
	memset(longname, 'a', 64);
	longname[64] = '\0';
	check(!cm_valid_namespace(longname, a, &err), "64-byte namespace rejected", NULL);
	cm_arena_free(a);
}

static void
test_normalize_roundtrip(void)
{
	CmArena    *a = cm_arena_new();
	CmPlan		plan;
	CmSnapshot	snap;
	const CmError *e = plan_json(a, seed, true, &plan, &snap);
	int			i;
	bool		ok = e == NULL;

	for (i = 0; ok && i < plan.nmodels; i++)
	{
		CmPlan		p2;
		CmSnapshot	s2;
		const CmError *e2 = plan_json(a, plan.models[i]->normalized, false, &p2, &s2);

		/* proxies and relations need their targets: re-plan within the batch */
		if (e2 && e2->kind == CM_ERR_UNDEFINED)
			continue;
		ok = e2 == NULL && cm_json_text_equal(p2.models[0]->normalized, plan.models[i]->normalized);
		if (!ok)
			printf("# %s\n# %s\n", plan.models[i]->normalized, e2 ? e2->message : p2.models[0]->normalized);
	}
	check(ok, "normalize(parse(normalized)) is a fixed point", NULL);
	cm_arena_free(a);
}

static void
test_lifecycle(void)
{
	CmArena    *a = cm_arena_new();
	CmPlan		plan,
				p2;
	CmSnapshot	snap,
				applied;
	CmError		err = {0};
	const char *v1 = "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"IntegerField\"},{\"name\":\"y\",\"type\":\"TextField\"}],"
		"\"meta\":{\"indexes\":[{\"fields\":[\"x\"],\"name\":\"ix\"}]}}";

	plan_json(a, v1, false, &plan, &snap);
	cm_test_applied_snapshot(a, &snap, &plan, NULL, &applied);

	check(!cm_plan_text(a, &cm_default_env, &applied,
						"{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"TextField\"}]}",
						false, NULL, &p2, &err) && err.kind == CM_ERR_NOT_ALLOWED,
		  "type change rejected", err.message);
	memset(&err, 0, sizeof(err));
	check(!cm_plan_text(a, &cm_default_env, &applied,
						"{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"IntegerField\"},{\"name\":\"y\",\"type\":\"TextField\"}],"
						"\"meta\":{\"indexes\":[{\"fields\":[\"y\"],\"name\":\"ix\"}]}}",
						false, NULL, &p2, &err) && err.kind == CM_ERR_NOT_ALLOWED,
		  "index definition change rejected", err.message);
	memset(&err, 0, sizeof(err));
	check(cm_plan_text(a, &cm_default_env, &applied,
					   "{\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"IntegerField\"},{\"name\":\"z\",\"type\":\"DateField\"}]}",
					   false, NULL, &p2, &err) && p2.nactions == 3 &&
		  p2.actions[0].kind == CM_ACT_ADD_FIELD &&
		  p2.actions[1].kind == CM_ACT_RETIRE_FIELD &&
		  p2.actions[2].kind == CM_ACT_RETIRE_INDEX,
		  "add field, retire removed field and index", err.message);
	cm_arena_free(a);
}

/* The plan's actions of one kind whose SQL contains a part, counted. */
static int
count_actions(const CmPlan *p, const char *action, const char *sql_part)
{
	int			i,
				n = 0;

	for (i = 0; i < p->nactions; i++)
		n += strcmp(cm_action_name(p->actions[i].kind), action) == 0 &&
			(sql_part == NULL || (p->actions[i].sql && strstr(p->actions[i].sql, sql_part)));
	return n;
}

static void
test_defaults_and_triggers(void)
{
	CmArena    *a = cm_arena_new();
	CmPlan		plan,
				p2;
	CmSnapshot	snap,
				applied;
	CmError		err = {0};
	const char *v1 = "[{\"name\":\"P\",\"fields\":[{\"name\":\"n\",\"type\":\"IntegerField\",\"default\":7},"
		"{\"name\":\"u\",\"type\":\"UUIDField\",\"default\":\"uuid4\"},"
		"{\"name\":\"t\",\"type\":\"TextField\",\"default\":\"it's\"}]},"
		"{\"name\":\"C\",\"fields\":[{\"name\":\"p\",\"type\":\"ForeignKey\",\"to\":\"P\",\"on_delete\":\"CASCADE\"},"
		"{\"name\":\"q\",\"type\":\"ForeignKey\",\"to\":\"P\",\"on_delete\":\"SET_NULL\",\"related_name\":\"qs\"},"
		"{\"name\":\"s\",\"type\":\"ForeignKey\",\"to\":\"Staff\",\"on_delete\":\"DO_NOTHING\",\"related_name\":\"+\"}]}]";

	check(plan_json(a, v1, true, &plan, &snap) == NULL, "defaults and relations plan", NULL);
	check(count_actions(&plan, "create model", "\"n\" integer DEFAULT '7'::integer") == 1 &&
		  count_actions(&plan, "create model", "\"u\" uuid DEFAULT pg_catalog.gen_random_uuid()") == 1 &&
		  count_actions(&plan, "create model", "DEFAULT 'it''s'::text") == 1,
		  "defaults are literals of the column type, created with the table", NULL);
	check(count_actions(&plan, "create trigger", "cmodel.on_write()") == 3 &&
		  count_actions(&plan, "create trigger", "ON \"my_plugin\".\"cmodel_hubs\" ") == 1,
		  "every model table and the new namespace's hub store get the write trigger", NULL);
	check(count_actions(&plan, "create hub store", "CREATE TABLE \"my_plugin\".\"cmodel_hubs\" (") == 1 &&
		  count_actions(&plan, "create hub store", "USING gin (attrs cmodel.hub_ops)") == 1,
		  "a new namespace gets its hub store with its GIN index", NULL);
	check(count_actions(&plan, "create trigger", "AFTER DELETE ON \"my_plugin\".\"p\"") == 1 &&
		  count_actions(&plan, "create trigger", "BEFORE TRUNCATE ON \"my_plugin\".\"p\"") == 1 &&
		  count_actions(&plan, "create trigger", "cmodel.on_delete()") == 1,
		  "a CASCADE/SET_NULL target gets the on_delete triggers once; DO_NOTHING adds none", NULL);

	cm_test_applied_snapshot(a, &snap, &plan, NULL, &applied);
	check(cm_plan_text(a, &cm_default_env, &applied,
					   "[{\"name\":\"P\",\"fields\":[{\"name\":\"n\",\"type\":\"IntegerField\",\"default\":8},"
					   "{\"name\":\"u\",\"type\":\"UUIDField\",\"default\":\"uuid4\"},"
					   "{\"name\":\"t\",\"type\":\"TextField\"},"
					   "{\"name\":\"d\",\"type\":\"BooleanField\",\"default\":true}]}]",
					   true, NULL, &p2, &err) &&
		  count_actions(&p2, "set default", "ALTER COLUMN \"n\" SET DEFAULT '8'::integer") == 1 &&
		  count_actions(&p2, "drop default", "ALTER COLUMN \"t\" DROP DEFAULT") == 1 &&
		  count_actions(&p2, "add field", "ADD COLUMN \"d\" boolean") == 1 &&
		  count_actions(&p2, "add field", "DEFAULT") == 0 &&
		  count_actions(&p2, "set default", "ALTER COLUMN \"d\" SET DEFAULT 'true'::boolean") == 1 &&
		  count_actions(&p2, "set default", "\"u\"") == 0 &&
		  count_actions(&p2, "create trigger", NULL) == 0,
		  "a changed default is set, a removed one dropped, a new column's set after ADD COLUMN",
		  err.message);

	/* with the SQL of an older version installed, no triggers are planned */
	snap.no_triggers = true;
	check(cm_plan_text(a, &cm_default_env, &snap, v1, true, NULL, &p2, &err) &&
		  count_actions(&p2, "create trigger", NULL) == 0,
		  "no triggers before the SQL that defines them", err.message);
	cm_arena_free(a);
}

/* ------------------------------------------------------------------------
 * Running out of memory
 *
 * A host allocator like the server's: every block is tracked (as a memory
 * context tracks its chunks), allocation number fail_at returns NULL, and
 * out_of_memory jumps back instead of returning (as ereport(ERROR) does).
 * After each jump the test frees whatever is still tracked, as the server
 * frees the transaction's context; LeakSanitizer at exit then proves that
 * nothing was allocated around the hooks (jansson included), and ASan that
 * nothing touched memory after the jump.
 * ------------------------------------------------------------------------
 */
typedef union TrackedBlock
{
	struct
	{
		union TrackedBlock *prev;
		union TrackedBlock *next;
	}			link;
	max_align_t align;
} TrackedBlock;

static TrackedBlock oom_live;	/* list head */
static long oom_count;			/* allocations so far */
static long oom_fail_at;		/* the allocation that fails; -1: none */
static int	oom_reported;
static jmp_buf oom_jump;

static void *
oom_alloc(size_t size)
{
	TrackedBlock *b;

	if (oom_count++ == oom_fail_at)
		return NULL;
	b = malloc(sizeof(TrackedBlock) + size);
	if (b == NULL)
		return NULL;
	b->link.next = oom_live.link.next;
	b->link.prev = &oom_live;
	oom_live.link.next->link.prev = b;
	oom_live.link.next = b;
	return b + 1;
}

static void
oom_release(void *ptr)
{
	TrackedBlock *b = (TrackedBlock *) ptr - 1;

	b->link.prev->link.next = b->link.next;
	b->link.next->link.prev = b->link.prev;
	free(b);
}

static void
oom_out_of_memory(size_t size)
{
	oom_reported++;
	longjmp(oom_jump, 1);
}

/* Free every tracked block; returns how many there were. */
static long
oom_reset(void)
{
	long		n = 0;

	while (oom_live.link.next != &oom_live)
	{
		oom_release(oom_live.link.next + 1);
		n++;
	}
	return n;
}

static void
test_out_of_memory(void)
{
	static const CmMemory tracked = {oom_alloc, oom_release, oom_out_of_memory};
	volatile long fail_at;
	volatile int failures = 0;
	volatile int wrong = 0;
	volatile bool planned = false;
	volatile long leftover = 0;
	bool		jansson_counted;
	bool		restored;
	CmMemorySave saved;
	char		detail[128];

	oom_live.link.next = oom_live.link.prev = &oom_live;
	cm_memory_push(&tracked, &saved);
	for (fail_at = 0; !planned && fail_at < 100000; fail_at++)
	{
		CmArena    *volatile a = NULL;

		oom_count = 0;
		oom_fail_at = fail_at;
		oom_reported = 0;
		if (setjmp(oom_jump) == 0)
		{
			CmSnapshot	snap;
			CmPlan		plan;
			CmError		err = {0};

			a = cm_arena_new();
			cm_test_base_snapshot(&snap, "my_plugin");
			planned = cm_plan_text(a, &cm_default_env, &snap, seed, true, NULL, &plan, &err) &&
				plan.nactions > 0;
			if (!planned)
				wrong++;		/* failing memory must never look like a bad descriptor */
			cm_arena_free(a);
			leftover += oom_reset();
		}
		else
		{
			failures++;
			if (oom_reported != 1)
				wrong++;
			(void) oom_reset();
		}
	}
	{
		long		before = oom_count;
		json_t	   *j;

		oom_fail_at = -1;
		j = json_loads("[1, {\"a\": \"b\"}]", 0, NULL);
		json_decref(j);
		jansson_counted = j != NULL && oom_count > before && oom_reset() == 0;
	}
	cm_memory_pop(&saved);
	{
		long		before = oom_count;
		json_t	   *j = json_loads("[2]", 0, NULL);

		json_decref(j);
		restored = j != NULL && oom_count == before;
	}
	snprintf(detail, sizeof(detail), "%d failing runs, %d wrong, planned %d, %ld blocks left",
			 failures, wrong, planned, leftover);
	check(planned && failures > 100 && wrong == 0,
		  "every allocation the seed's plan makes can fail: out_of_memory is called once and never returns",
		  detail);
	check(leftover == 0, "a plan that succeeds gives back every block through the host", detail);
	check(jansson_counted, "jansson allocates and frees through the host's hooks", NULL);
	check(restored, "popping the host's memory gives jansson its allocator back", NULL);
}

/* ------------------------------------------------------------------------
 * ISO dates and timestamps (isotime.c)
 * ------------------------------------------------------------------------
 */
static bool
date_is(const char *text, bool ok, int32_t want)
{
	int32_t		d = 0;
	char		out[CM_ISO_DATE_LEN + 1];

	if (cm_iso_date_parse(text, strlen(text), &d) != ok)
		return false;
	if (!ok)
		return true;
	return d == want && cm_iso_date_format(d, out) && strcmp(out, text) == 0;
}

static bool
timestamp_is(const char *text, bool ok, int64_t want, const char *canonical)
{
	int64_t		t = 0;
	char		out[CM_ISO_TIMESTAMP_LEN + 1];

	if (cm_iso_timestamp_parse(text, strlen(text), &t) != ok)
		return false;
	if (!ok)
		return true;
	return t == want && cm_iso_timestamp_format(t, out) && strcmp(out, canonical) == 0;
}

static void
test_isotime(void)
{
	const int64_t day = INT64_C(86400000000);
	const int64_t hour = INT64_C(3600000000);

	/* days since 2000-01-01, as PostgreSQL's date - '2000-01-01' gives them */
	check(date_is("2000-01-01", true, 0) && date_is("1970-01-01", true, -10957) &&
		  date_is("0001-01-01", true, -730119) && date_is("9999-12-31", true, 2921939) &&
		  date_is("2024-02-29", true, 8825) && date_is("2000-02-29", true, 59),
		  "ISO dates parse to PostgreSQL's day numbers and format back unchanged", NULL);
	check(date_is("2023-02-29", false, 0) && date_is("1900-02-29", false, 0) &&
		  date_is("2024-04-31", false, 0) && date_is("2024-13-01", false, 0) &&
		  date_is("0000-12-31", false, 0) && date_is("2024-5-01", false, 0) &&
		  date_is("2024-05-01 ", false, 0) && date_is("20240501", false, 0) &&
		  date_is("", false, 0) && date_is("2024-05-0x", false, 0),
		  "invalid, short, padded and out-of-range dates are refused", NULL);
	check(timestamp_is("2000-01-01T00:00:00Z", true, 0, "2000-01-01T00:00:00+00:00") &&
		  timestamp_is("2000-01-01 00:00+00", true, 0, "2000-01-01T00:00:00+00:00") &&
		  timestamp_is("2000-01-02T14:30:00+02:30", true, day + 12 * hour,
						"2000-01-02T12:00:00+00:00") &&
		  timestamp_is("2000-01-01T00:00:00-0100", true, hour, "2000-01-01T01:00:00+00:00") &&
		  timestamp_is("2000-01-01T00:00:00.5Z", true, 500000, "2000-01-01T00:00:00.5+00:00") &&
		  timestamp_is("1999-12-31T23:59:59.999999Z", true, -1, "1999-12-31T23:59:59.999999+00:00") &&
		  timestamp_is("9999-12-31T23:59:59.000010+00:00", true,
					   INT64_C(2921939) * day + 86399 * INT64_C(1000000) + 10,
					   "9999-12-31T23:59:59.00001+00:00"),
		  "ISO timestamps with offsets are UTC microseconds since 2000, formatted canonically", NULL);
	check(timestamp_is("2024-05-01T12:00:00", false, 0, NULL) &&
		  timestamp_is("2024-05-01T24:00:00Z", false, 0, NULL) &&
		  timestamp_is("2024-05-01T12:60:00Z", false, 0, NULL) &&
		  timestamp_is("2024-05-01T12:00:60Z", false, 0, NULL) &&
		  timestamp_is("2024-05-01T12:00:00.1234567Z", false, 0, NULL) &&
		  timestamp_is("2024-05-01T12:00:00.Z", false, 0, NULL) &&
		  timestamp_is("2024-05-01T12:00:00+16:00", false, 0, NULL) &&
		  timestamp_is("2024-05-01T12:00:00+05:", false, 0, NULL) &&
		  timestamp_is("2024-05-01T12:00:00+5", false, 0, NULL) &&
		  timestamp_is("2024-05-01T12:00:00ZZ", false, 0, NULL) &&
		  timestamp_is("0001-01-01T00:30:00+01:00", false, 0, NULL) &&
		  timestamp_is("9999-12-31T23:30:00-01:00", false, 0, NULL),
		  "timestamps without a zone, out of range or malformed are refused", NULL);
}

/*
 * The hub store: planned once, with the namespace; an existing store is
 * left alone; a relation of its name that is something else is an error.
 */
static void
test_hub_store(void)
{
	CmArena    *a = cm_arena_new();
	CmPlan		plan;
	CmSnapshot	snap;
	CmError		err = {0};
	char	   *names[1] = {CM_HUB_STORE};
	CmColumn	wrong[3] = {{"type", "text", false}, {"id", "text", false}, {"attrs", "integer", false}};
	CmTableState table = {CM_HUB_STORE, 3, cm_test_store_columns, NULL, CM_TRIG_WRITE};
	bool		ok;

	cm_test_base_snapshot(&snap, "my_plugin");
	snap.schema_exists = snap.namespace_registered = true;
	snap.nrelnames = 1;
	snap.relnames = names;
	snap.ntables = 1;
	snap.tables = &table;
	ok = cm_plan(a, &cm_default_env, &snap, 0, NULL, NULL, &plan, &err);
	check(ok && plan.nactions == 0, "an existing hub store is left alone", err.message);

	table.columns = wrong;
	memset(&err, 0, sizeof(err));
	ok = cm_plan(a, &cm_default_env, &snap, 0, NULL, NULL, &plan, &err);
	check(!ok && err.kind == CM_ERR_DUPLICATE && strstr(err.message, "is not a hub store"),
		  "a relation named like the store that is not one is an error", err.message);

	snap.no_hub_type = true;
	memset(&err, 0, sizeof(err));
	ok = cm_plan(a, &cm_default_env, &snap, 0, NULL, NULL, &plan, &err);
	check(ok && plan.nactions == 0, "no hub store before the SQL that defines the hub type", err.message);
	cm_arena_free(a);
}

int
main(void)
{
	test_seed_plan();
	test_validation_rules();
	test_rule_sets();
	test_naming();
	test_normalize_roundtrip();
	test_lifecycle();
	test_defaults_and_triggers();
	test_hub_store();
	test_out_of_memory();
	test_isotime();
	printf("%d passed, %d failed\n", npassed, nfailed);
	return nfailed > 0;
}
