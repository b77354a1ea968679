/*-------------------------------------------------------------------------
 *
 * cm_testlib.h
 *	  Snapshots for exercising the core without a server: the unit tests
 *	  and the fuzzer share them.
 *
 * cm_test_base_snapshot() describes an empty namespace next to two core
 * models (Staff, Patient).  cm_test_applied_snapshot() returns the snapshot
 * the server would read after applying a plan, so a second plan of the same
 * descriptors must come out empty: the idempotence property.
 *
 * test/cm_testlib.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CM_TESTLIB_H
#define CM_TESTLIB_H

#include "cm_core.h"

#include <string.h>

static CmColumn cm_test_core_columns[] = {
	{"dbid", "bigint", true}, {"id", "text", true}, {"first_name", "text", false}
};

static CmColumn cm_test_store_columns[] = {
	{"type", "text", false}, {"id", "text", false}, {"attrs", "cmodel.hub", false}
};

static CmCoreModel cm_test_cores[] = {
	{"Staff", "public", "staff", "dbid", 3, cm_test_core_columns},
	{"Patient", "public", "patient", "dbid", 3, cm_test_core_columns},
};

/* An empty, not yet existing namespace with the two core models. */
static inline void
cm_test_base_snapshot(CmSnapshot *s, const char *ns)
{
	memset(s, 0, sizeof(*s));
	s->namespace = ns;
	s->ncores = 2;
	s->cores = cm_test_cores;
}

/* What the server's snapshot would hold once the plan has been applied. */
static inline void
cm_test_applied_snapshot(CmArena *a, const CmSnapshot *before, const CmPlan *plan,
						 const char *plugin, CmSnapshot *s)
{
	int			i,
				j,
				k;
	int			nidx = 0,
				nfld = 0;

	*s = *before;
	s->schema_exists = true;
	s->namespace_registered = true;
	for (i = 0; i < plan->nmodels; i++)
	{
		nfld += plan->models[i]->nall_fields;
		nidx += plan->models[i]->nall_indexes;
	}
	s->models = cm_alloc(a, sizeof(CmRegModel) * (before->nmodels + plan->nmodels + 1));
	s->fields = cm_alloc(a, sizeof(CmRegField) * (before->nfields + nfld + 1));
	s->indexes = cm_alloc(a, sizeof(CmRegIndex) * (before->nindexes + nidx + 1));
	s->tables = cm_alloc(a, sizeof(CmTableState) * (before->ntables + plan->nmodels + 2));
	s->pgindexes = cm_alloc(a, sizeof(CmIndexState) * (before->npgindexes + nidx + 1));
	s->relnames = cm_alloc(a, sizeof(char *) * (before->nrelnames + plan->nmodels + nidx + 2));
	s->nmodels = s->nfields = s->nindexes = s->ntables = s->npgindexes = s->nrelnames = 0;

	/* keep what the plan does not replace */
	for (i = 0; i < before->nmodels; i++)
	{
		bool		replaced = false;

		for (j = 0; j < plan->nmodels; j++)
			replaced |= strcmp(plan->models[j]->name, before->models[i].name) == 0;
		if (!replaced)
			s->models[s->nmodels++] = before->models[i];
	}
	for (i = 0; i < before->ntables; i++)
		s->tables[s->ntables++] = before->tables[i];
	/* the plan's triggers now exist (on every table, as far as the planner asks) */
	for (i = 0; i < plan->nactions; i++)
		if (plan->actions[i].kind == CM_ACT_CREATE_TRIGGER)
		{
			CmCoreModel *cores = cm_alloc(a, sizeof(CmCoreModel) * (s->ncores + 1));

			memcpy(cores, s->cores, sizeof(CmCoreModel) * s->ncores);
			for (j = 0; j < s->ncores; j++)
				cores[j].triggers = CM_TRIG_WRITE | CM_TRIG_DELETE | CM_TRIG_TRUNCATE;
			s->cores = cores;
			break;
		}
	for (i = 0; i < before->npgindexes; i++)
		s->pgindexes[s->npgindexes++] = before->pgindexes[i];
	for (i = 0; i < before->nrelnames; i++)
		s->relnames[s->nrelnames++] = before->relnames[i];
	/* the hub store, when the plan made it */
	for (i = 0; i < plan->nactions; i++)
		if (plan->actions[i].kind == CM_ACT_CREATE_HUB_STORE)
		{
			CmTableState *t = &s->tables[s->ntables++];

			s->relnames[s->nrelnames++] = CM_HUB_STORE;
			memset(t, 0, sizeof(*t));
			t->name = CM_HUB_STORE;
			t->ncolumns = 3;
			t->columns = cm_test_store_columns;
			t->triggers = CM_TRIG_WRITE;
		}

	for (i = 0; i < plan->nmodels; i++)
	{
		CmModel    *m = plan->models[i];
		CmRegModel *r = &s->models[s->nmodels++];
		CmTableState *t = NULL;

		r->name = m->name;
		r->descriptor = m->normalized;
		r->plugin = (char *) plugin;
		r->kind = m->kind;
		if (m->kind != CM_MODEL_CONCRETE)
			continue;
		for (j = 0; j < s->ntables; j++)
			if (strcmp(s->tables[j].name, m->table) == 0)
				t = &s->tables[j];
		if (t == NULL)
		{
			t = &s->tables[s->ntables++];
			t->name = m->table;
			t->pk_column = m->pk_column;
			t->columns = cm_alloc(a, sizeof(CmColumn) * (m->nall_fields + 1));
			t->triggers = CM_TRIG_WRITE | CM_TRIG_DELETE | CM_TRIG_TRUNCATE;
			t->columns[t->ncolumns].name = m->pk_column;
			t->columns[t->ncolumns++].type = m->pk_type;
			s->relnames[s->nrelnames++] = m->table;
		}
		else
		{
			CmColumn   *cols = cm_alloc(a, sizeof(CmColumn) * (t->ncolumns + m->nall_fields + 1));

			memcpy(cols, t->columns, sizeof(CmColumn) * t->ncolumns);
			t->columns = cols;
		}
		for (j = 0; j < m->nall_fields; j++)
		{
			CmField    *f = m->all_fields[j];
			CmRegField *rf = &s->fields[s->nfields++];
			bool		have = false;

			rf->model = m->name;
			rf->name = f->name;
			rf->column = f->column;
			rf->column_type = f->column_type;
			rf->default_json = f->default_json;
			if (f->column == NULL || f == m->pk_field)
				continue;
			for (k = 0; k < t->ncolumns; k++)
				have |= strcmp(t->columns[k].name, f->column) == 0;
			if (!have)
			{
				t->columns[t->ncolumns].name = f->column;
				t->columns[t->ncolumns++].type = f->column_type;
			}
		}
		for (j = 0; j < m->nall_indexes; j++)
		{
			CmIndex    *ix = m->all_indexes[j];
			CmRegIndex *ri = &s->indexes[s->nindexes++];
			CmIndexState *st = &s->pgindexes[s->npgindexes++];

			ri->model = m->name;
			ri->pg_name = ix->pg_name;
			ri->definition = ix->definition;
			st->name = ix->pg_name;
			st->table = m->table;
			st->unique = ix->kind == CM_IDX_UNIQUE;
			st->method = (char *) cm_index_method(ix->kind);
			st->ncolumns = ix->nfields;
			st->columns = ix->columns;
			st->desc = ix->desc;
			st->partial = ix->nconds > 0;
			st->valid = true;
			s->relnames[s->nrelnames++] = ix->pg_name;
		}
	}
}

#endif							/* CM_TESTLIB_H */
