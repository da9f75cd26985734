// SPDX-License-Identifier: GPL-2.0
/* The configuration knobs: names, parsing of values, printing. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

enum knob_kind { KNOB_BOOL, KNOB_DURATION, KNOB_COUNT };

static const struct knob {
	const char *name;		/* the SRX statement */
	unsigned int attr;
	enum knob_kind kind;
	uint64_t max;
} knobs[] = {
	{ "rst-invalidate-session", FLOWSESS_CFG_RST_INVALIDATE_SESSION, KNOB_BOOL, 1 },
	{ "rst-grace-delay", FLOWSESS_CFG_RST_GRACE_MS, KNOB_DURATION, FLOWSESS_RST_GRACE_MS_MAX },
	{ "tcp-initial-timeout", FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS, KNOB_DURATION, FLOWSESS_TIMEOUT_MS_MAX },
	{ "tcp-timeout", FLOWSESS_CFG_TCP_TIMEOUT_MS, KNOB_DURATION, FLOWSESS_TIMEOUT_MS_MAX },
	{ "udp-timeout", FLOWSESS_CFG_UDP_TIMEOUT_MS, KNOB_DURATION, FLOWSESS_TIMEOUT_MS_MAX },
	{ "icmp-timeout", FLOWSESS_CFG_ICMP_TIMEOUT_MS, KNOB_DURATION, FLOWSESS_TIMEOUT_MS_MAX },
	{ "other-timeout", FLOWSESS_CFG_OTHER_TIMEOUT_MS, KNOB_DURATION, FLOWSESS_TIMEOUT_MS_MAX },
	{ "max-sessions", FLOWSESS_CFG_MAX_SESSIONS, KNOB_COUNT, FLOWSESS_MAX_SESSIONS_MAX },
};

#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static const struct knob *knob_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NKNOBS; i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

/* "on"/"off"; durations "N" (seconds), "Ns" or "Nms"; counts "N". */
static int parse_value(const struct knob *k, const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (k->kind == KNOB_BOOL) {
		if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "1"))
			*out = 1;
		else if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "0"))
			*out = 0;
		else
			return -1;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (k->kind == KNOB_DURATION) {
		if (!strcmp(end, "ms"))
			;
		else if (!*end || !strcmp(end, "s"))
			v = v > UINT64_MAX / 1000 ? UINT64_MAX : v * 1000;
		else
			return -1;
	} else if (*end) {
		return -1;
	}
	*out = v;
	return 0;
}

static const char *kind_help(enum knob_kind kind)
{
	switch (kind) {
	case KNOB_BOOL:
		return "on | off";
	case KNOB_DURATION:
		return "SECONDS | Ns | Nms";
	default:
		return "NUMBER";
	}
}

static void knobs_help(FILE *err)
{
	size_t i;

	fprintf(err, "knobs:\n");
	for (i = 0; i < NKNOBS; i++)
		fprintf(err, "  %-24s %s\n", knobs[i].name, kind_help(knobs[i].kind));
}

/*
 * "KNOB VALUE ..." into @cfg. Range checks are the kernel's (it answers
 * with an extack message); here only the syntax. Returns 0, or -1 after a
 * usage message on @err.
 */
int fs_config_parse_args(int argc, char **argv, struct fs_config *cfg, FILE *err)
{
	const struct knob *k;
	int i;

	memset(cfg, 0, sizeof(*cfg));
	if (argc < 2 || argc % 2) {
		fprintf(err, "flowsess: set wants KNOB VALUE pairs\n");
		knobs_help(err);
		return -1;
	}
	for (i = 0; i < argc; i += 2) {
		k = knob_by_name(argv[i]);
		if (!k) {
			fprintf(err, "flowsess: unknown knob \"%s\"\n", argv[i]);
			knobs_help(err);
			return -1;
		}
		if (parse_value(k, argv[i + 1], &cfg->val[k->attr]) ||
		    cfg->val[k->attr] > UINT32_MAX) {
			fprintf(err, "flowsess: %s: bad value \"%s\" (%s)\n",
				k->name, argv[i + 1], kind_help(k->kind));
			return -1;
		}
		cfg->present[k->attr] = true;
	}
	return 0;
}

void fs_config_put(struct nlmsghdr *nlh, const struct fs_config *cfg)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, FLOWSESS_A_CONFIG);
	size_t i;

	for (i = 0; i < NKNOBS; i++) {
		unsigned int a = knobs[i].attr;

		if (!cfg->present[a])
			continue;
		if (knobs[i].kind == KNOB_BOOL)
			mnl_attr_put_u8(nlh, a, cfg->val[a]);
		else
			mnl_attr_put_u32(nlh, a, cfg->val[a]);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* Knobs this tool does not know (a newer module) are skipped. */
int fs_config_parse(const struct nlattr *nest, struct fs_config *cfg)
{
	const struct nlattr *attr;

	memset(cfg, 0, sizeof(*cfg));
	mnl_attr_for_each_nested(attr, nest) {
		unsigned int type = mnl_attr_get_type(attr);
		size_t i;

		for (i = 0; i < NKNOBS && knobs[i].attr != type; i++)
			;
		if (i == NKNOBS)
			continue;
		if (knobs[i].kind == KNOB_BOOL) {
			if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
				return -1;
			cfg->val[type] = mnl_attr_get_u8(attr);
		} else {
			if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
				return -1;
			cfg->val[type] = mnl_attr_get_u32(attr);
		}
		cfg->present[type] = true;
	}
	return 0;
}

static void print_duration(FILE *out, uint64_t ms)
{
	if (ms % 1000)
		fprintf(out, "%" PRIu64 "ms", ms);
	else
		fprintf(out, "%" PRIu64 "s", ms / 1000);
}

void fs_config_print(FILE *out, const struct fs_config *cfg, bool json)
{
	const char *sep = "";
	size_t i;

	if (json)
		fputc('{', out);
	for (i = 0; i < NKNOBS; i++) {
		const struct knob *k = &knobs[i];
		uint64_t v = cfg->val[k->attr];

		if (!cfg->present[k->attr])
			continue;
		if (json) {
			if (k->kind == KNOB_BOOL)
				fprintf(out, "%s\"%s\":%s", sep, k->name, v ? "true" : "false");
			else if (k->kind == KNOB_DURATION)
				fprintf(out, "%s\"%s-ms\":%" PRIu64, sep, k->name, v);
			else
				fprintf(out, "%s\"%s\":%" PRIu64, sep, k->name, v);
			sep = ",";
			continue;
		}
		fprintf(out, "%-24s ", k->name);
		if (k->kind == KNOB_BOOL)
			fputs(v ? "on" : "off", out);
		else if (k->kind == KNOB_DURATION)
			print_duration(out, v);
		else
			fprintf(out, "%" PRIu64, v);
		fputc('\n', out);
	}
	if (json)
		fputs("}\n", out);
}
