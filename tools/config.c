// SPDX-License-Identifier: GPL-2.0
/* The configuration knobs: names, parsing of values, printing. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

enum knob_kind {
	KNOB_BOOL,		/* on | off */
	KNOB_DURATION,		/* ms on the wire */
	KNOB_COUNT,
	KNOB_PERCENT,
	KNOB_TIME_WAIT,		/* off | session-ageout | session-timeout DURATION */
};

/* In the order `show` prints them: the SRX's tcp-session, then aging. */
static const struct knob {
	const char *name;		/* the SRX statement */
	unsigned int attr;
	enum knob_kind kind;
} knobs[] = {
	{ "rst-invalidate-session", FLOWSESS_CFG_RST_INVALIDATE_SESSION, KNOB_BOOL },
	{ "rst-grace-delay", FLOWSESS_CFG_RST_GRACE_MS, KNOB_DURATION },
	{ "rst-sequence-check", FLOWSESS_CFG_RST_SEQUENCE_CHECK, KNOB_BOOL },
	{ "syn-reopen", FLOWSESS_CFG_SYN_REOPEN, KNOB_BOOL },
	{ "no-syn-check", FLOWSESS_CFG_NO_SYN_CHECK, KNOB_BOOL },
	{ "pickup-period", FLOWSESS_CFG_PICKUP_PERIOD_MS, KNOB_DURATION },
	{ "strict-syn-check", FLOWSESS_CFG_STRICT_SYN_CHECK, KNOB_BOOL },
	{ "no-sequence-check", FLOWSESS_CFG_NO_SEQUENCE_CHECK, KNOB_BOOL },
	{ "fin-invalidate-session", FLOWSESS_CFG_FIN_INVALIDATE_SESSION, KNOB_BOOL },
	{ "time-wait-state", FLOWSESS_CFG_TIME_WAIT_STATE, KNOB_TIME_WAIT },
	{ "tcp-initial-timeout", FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS, KNOB_DURATION },
	{ "tcp-timeout", FLOWSESS_CFG_TCP_TIMEOUT_MS, KNOB_DURATION },
	{ "udp-timeout", FLOWSESS_CFG_UDP_TIMEOUT_MS, KNOB_DURATION },
	{ "icmp-timeout", FLOWSESS_CFG_ICMP_TIMEOUT_MS, KNOB_DURATION },
	{ "other-timeout", FLOWSESS_CFG_OTHER_TIMEOUT_MS, KNOB_DURATION },
	{ "max-sessions", FLOWSESS_CFG_MAX_SESSIONS, KNOB_COUNT },
	{ "early-ageout", FLOWSESS_CFG_EARLY_AGEOUT_MS, KNOB_DURATION },
	{ "high-watermark", FLOWSESS_CFG_HIGH_WATERMARK, KNOB_PERCENT },
	{ "low-watermark", FLOWSESS_CFG_LOW_WATERMARK, KNOB_PERCENT },
	{ "accounting", FLOWSESS_CFG_ACCOUNTING, KNOB_BOOL },
};

#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

/* time-wait-state's values, by enum flowsess_time_wait. */
static const char *const time_wait_names[__FLOWSESS_TIME_WAIT_MAX] = {
	[FLOWSESS_TIME_WAIT_OFF] = "off",
	[FLOWSESS_TIME_WAIT_SESSION_AGEOUT] = "session-ageout",
	[FLOWSESS_TIME_WAIT_SESSION_TIMEOUT] = "session-timeout",
};

/* Attributes that travel as u8; the rest are u32. */
static bool attr_is_u8(unsigned int attr)
{
	size_t i;

	for (i = 0; i < NKNOBS; i++) {
		if (knobs[i].attr == attr)
			return knobs[i].kind == KNOB_BOOL ||
			       knobs[i].kind == KNOB_PERCENT ||
			       knobs[i].kind == KNOB_TIME_WAIT;
	}
	return false;	/* FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS */
}

static const struct knob *knob_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NKNOBS; i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

/* A decimal number with an optional unit suffix from @units ("" allowed). */
static int parse_number(const char *s, uint64_t *v, const char **unit)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	*unit = end;
	return 0;
}

/* "N" (seconds), "Ns" or "Nms", into ms. */
static int parse_duration(const char *s, uint64_t *ms)
{
	const char *unit;
	uint64_t v;

	if (parse_number(s, &v, &unit))
		return -1;
	if (!strcmp(unit, "ms"))
		*ms = v;
	else if (!*unit || !strcmp(unit, "s"))
		*ms = v > UINT64_MAX / 1000 ? UINT64_MAX : v * 1000;
	else
		return -1;
	return 0;
}

/*
 * The value of @k from @argv (@argc words left), into @cfg. Returns how
 * many words it took, or -1 if they are not a value of @k.
 */
static int parse_value(const struct knob *k, int argc, char **argv,
		       struct fs_config *cfg)
{
	const char *s = argv[0], *unit;
	uint64_t v = 0;
	size_t i;

	switch (k->kind) {
	case KNOB_BOOL:
		if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "1"))
			v = 1;
		else if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "0"))
			v = 0;
		else
			return -1;
		break;
	case KNOB_DURATION:
		if (parse_duration(s, &v))
			return -1;
		break;
	case KNOB_COUNT:
		if (parse_number(s, &v, &unit) || *unit)
			return -1;
		break;
	case KNOB_PERCENT:
		if (parse_number(s, &v, &unit) || (*unit && strcmp(unit, "%")) ||
		    v > 255)
			return -1;
		break;
	case KNOB_TIME_WAIT:
		for (i = 0; i < __FLOWSESS_TIME_WAIT_MAX && strcmp(s, time_wait_names[i]); i++)
			;
		if (i == __FLOWSESS_TIME_WAIT_MAX)
			return -1;
		cfg->val[k->attr] = i;
		cfg->present[k->attr] = true;
		if (i != FLOWSESS_TIME_WAIT_SESSION_TIMEOUT)
			return 1;
		if (argc < 2 || parse_duration(argv[1], &v) || v > UINT32_MAX)
			return -1;
		cfg->val[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS] = v;
		cfg->present[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS] = true;
		return 2;
	}
	if (v > UINT32_MAX)
		return -1;
	cfg->val[k->attr] = v;
	cfg->present[k->attr] = true;
	return 1;
}

static const char *kind_help(enum knob_kind kind)
{
	switch (kind) {
	case KNOB_BOOL:
		return "on | off";
	case KNOB_DURATION:
		return "SECONDS | Ns | Nms";
	case KNOB_PERCENT:
		return "PERCENT";
	case KNOB_TIME_WAIT:
		return "off | session-ageout | session-timeout SECONDS";
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
	int i, n;

	memset(cfg, 0, sizeof(*cfg));
	if (!argc) {
		fprintf(err, "flowsess: set wants KNOB VALUE ...\n");
		knobs_help(err);
		return -1;
	}
	for (i = 0; i < argc; i += n) {
		k = knob_by_name(argv[i]);
		if (!k) {
			fprintf(err, "flowsess: unknown knob \"%s\"\n", argv[i]);
			knobs_help(err);
			return -1;
		}
		if (i + 1 == argc) {
			fprintf(err, "flowsess: %s wants a value (%s)\n", k->name,
				kind_help(k->kind));
			return -1;
		}
		if (cfg->present[k->attr]) {
			fprintf(err, "flowsess: %s is given twice\n", k->name);
			return -1;
		}
		n = parse_value(k, argc - i - 1, argv + i + 1, cfg);
		if (n < 0) {
			fprintf(err, "flowsess: %s: bad value \"%s\" (%s)\n",
				k->name, argv[i + 1], kind_help(k->kind));
			return -1;
		}
		n++;
	}
	return 0;
}

void fs_config_put(struct nlmsghdr *nlh, const struct fs_config *cfg)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, FLOWSESS_A_CONFIG);
	unsigned int a;

	for (a = 1; a < __FLOWSESS_CFG_MAX; a++) {
		if (!cfg->present[a])
			continue;
		if (attr_is_u8(a))
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

		if (!type || type >= __FLOWSESS_CFG_MAX)
			continue;
		if (attr_is_u8(type)) {
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

static const char *time_wait_name(uint64_t v)
{
	return v < __FLOWSESS_TIME_WAIT_MAX ? time_wait_names[v] : "?";
}

/* A duration in the unit @typed was in: ms if it said so, else s if whole. */
static void print_duration_as(FILE *out, uint64_t ms, const char *typed)
{
	size_t n = strlen(typed);

	if (n > 2 && !strcmp(typed + n - 2, "ms"))
		fprintf(out, "%" PRIu64 "ms", ms);
	else
		print_duration(out, ms);
}

/*
 * The kernel refused knob @attr of "set @argv" for its range [@min, @max]:
 * say which knob, what was typed, and the range in the unit it was typed
 * in. Returns 0, or -1 if @attr is no knob of @argv.
 */
int fs_config_explain_range(FILE *err, const char *what, unsigned int attr,
			    int argc, char **argv, uint64_t min, uint64_t max)
{
	const char *name = NULL, *typed = NULL;
	const struct knob *k;
	int i;

	for (i = 0; i + 1 < argc && !typed; i++) {
		k = knob_by_name(argv[i]);
		if (!k)
			continue;
		if (k->attr == attr) {
			name = k->name;
			typed = argv[i + 1];
		} else if (attr == FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS &&
			   k->attr == FLOWSESS_CFG_TIME_WAIT_STATE && i + 2 < argc) {
			name = "time-wait-state session-timeout";
			typed = argv[i + 2];
		}
	}
	if (!typed)
		return -1;
	fprintf(err, "flowsess: %s: %s %s is out of range: ", what, name, typed);
	k = knob_by_name(name);
	if (!k || k->kind == KNOB_DURATION || k->kind == KNOB_TIME_WAIT) {
		print_duration_as(err, min, typed);
		fputs(" to ", err);
		print_duration_as(err, max, typed);
	} else {
		fprintf(err, "%" PRIu64 "%s to %" PRIu64 "%s", min,
			k->kind == KNOB_PERCENT ? "%" : "", max,
			k->kind == KNOB_PERCENT ? "%" : "");
	}
	fputc('\n', err);
	return 0;
}

/* A knob's JSON key: its name in snake_case, as iproute2's keys. */
static void print_key(FILE *out, const char *name, const char *suffix)
{
	fputc('"', out);
	for (; *name; name++)
		fputc(*name == '-' ? '_' : *name, out);
	fprintf(out, "%s\":", suffix);
}

static void print_json(FILE *out, const struct fs_config *cfg, const struct knob *k)
{
	uint64_t v = cfg->val[k->attr];

	switch (k->kind) {
	case KNOB_BOOL:
		print_key(out, k->name, "");
		fputs(v ? "true" : "false", out);
		break;
	case KNOB_DURATION:
		print_key(out, k->name, "_ms");
		fprintf(out, "%" PRIu64, v);
		break;
	case KNOB_TIME_WAIT:
		print_key(out, k->name, "");
		fprintf(out, "\"%s\"", time_wait_name(v));
		if (cfg->present[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS]) {
			fputc(',', out);
			print_key(out, "time-wait-timeout", "_ms");
			fprintf(out, "%" PRIu64, cfg->val[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS]);
		}
		break;
	default:
		print_key(out, k->name, "");
		fprintf(out, "%" PRIu64, v);
	}
}

static void print_text(FILE *out, const struct fs_config *cfg, const struct knob *k)
{
	uint64_t v = cfg->val[k->attr];

	fprintf(out, "%-24s ", k->name);
	switch (k->kind) {
	case KNOB_BOOL:
		fputs(v ? "on" : "off", out);
		break;
	case KNOB_DURATION:
		print_duration(out, v);
		break;
	case KNOB_PERCENT:
		fprintf(out, "%" PRIu64 "%%", v);
		break;
	case KNOB_TIME_WAIT:
		fputs(time_wait_name(v), out);
		if (v == FLOWSESS_TIME_WAIT_SESSION_TIMEOUT) {
			fputc(' ', out);
			print_duration(out, cfg->val[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS]);
		}
		break;
	default:
		fprintf(out, "%" PRIu64, v);
	}
	fputc('\n', out);
}

void fs_config_print(FILE *out, const struct fs_config *cfg, bool json)
{
	const char *sep = "";
	size_t i;

	if (json)
		fputc('{', out);
	for (i = 0; i < NKNOBS; i++) {
		if (!cfg->present[knobs[i].attr])
			continue;
		if (json) {
			fputs(sep, out);
			print_json(out, cfg, &knobs[i]);
			sep = ",";
		} else {
			print_text(out, cfg, &knobs[i]);
		}
	}
	if (json)
		fputs("}\n", out);
}
