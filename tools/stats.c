// SPDX-License-Identifier: GPL-2.0
/* Parsing and printing the module's counters. */
#include <inttypes.h>
#include <string.h>

#include "tool.h"

static const char *const stat_names[__FLOWSESS_STAT_MAX] = FLOWSESS_STAT_NAMES;

const char *fs_stat_name(unsigned int stat)
{
	return stat < __FLOWSESS_STAT_MAX ? stat_names[stat] : NULL;
}

/* Counters this tool does not know (a newer module) are skipped. */
int fs_stats_parse(const struct nlattr *nest, struct fs_stats *st)
{
	const struct nlattr *attr;

	memset(st, 0, sizeof(*st));
	mnl_attr_for_each_nested(attr, nest) {
		unsigned int type = mnl_attr_get_type(attr);

		if (!fs_stat_name(type))
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return -1;
		st->val[type] = mnl_attr_get_u64(attr);
		st->present[type] = true;
	}
	return 0;
}

void fs_stats_print(FILE *out, const struct fs_stats *st, bool json)
{
	const char *sep = "";
	unsigned int i;

	if (json)
		fputc('{', out);
	for (i = 0; i < __FLOWSESS_STAT_MAX; i++) {
		if (!st->present[i])
			continue;
		if (json)
			fprintf(out, "%s\"%s\":%" PRIu64, sep, stat_names[i], st->val[i]);
		else
			fprintf(out, "%-28s %" PRIu64 "\n", stat_names[i], st->val[i]);
		sep = ",";
	}
	if (json)
		fputs("}\n", out);
}
