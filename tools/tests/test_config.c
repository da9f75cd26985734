// SPDX-License-Identifier: GPL-2.0
/* Host tests of knob parsing and configuration output. Prints TAP. */
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "tap.h"


/* What `set @line` says when the kernel refuses @attr for [@min, @max]. */
static const char *range_msg(const char *line, unsigned int attr, uint64_t min,
			     uint64_t max)
{
	static char out[256];
	char copy[256], *argv[16];
	int argc = split_words(line, copy, argv);
	FILE *f = fmemopen(out, sizeof(out), "w");

	if (fs_config_explain_range(f, "set", attr, argc, argv, min, max))
		fputs("(none)", f);
	fclose(f);
	return out;
}

/* Parse an argument string like "a b c d"; returns 0 or -1. */
static int parse(const char *line, struct fs_config *cfg, char *err, size_t errlen)
{
	char copy[256], *argv[16];
	int argc = split_words(line, copy, argv);
	FILE *f = fmemopen(err, errlen, "w");
	int ret;

	ret = fs_config_parse_args(argc, argv, cfg, f);
	fclose(f);
	return ret;
}

int main(void)
{
	char err[1024];
	struct fs_config cfg;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct fs_config back;

	printf("1..26\n");
	check(!parse("rst-invalidate-session on", &cfg, err, sizeof(err)) &&
	      cfg.present[FLOWSESS_CFG_RST_INVALIDATE_SESSION] &&
	      cfg.val[FLOWSESS_CFG_RST_INVALIDATE_SESSION] == 1, "on");
	check(!parse("rst-invalidate-session off", &cfg, err, sizeof(err)) &&
	      cfg.val[FLOWSESS_CFG_RST_INVALIDATE_SESSION] == 0, "off");
	check(!parse("rst-grace-delay 2 udp-timeout 1500ms", &cfg, err, sizeof(err)) &&
	      cfg.val[FLOWSESS_CFG_RST_GRACE_MS] == 2000 &&
	      cfg.val[FLOWSESS_CFG_UDP_TIMEOUT_MS] == 1500 &&
	      !cfg.present[FLOWSESS_CFG_TCP_TIMEOUT_MS], "durations: bare seconds and ms, two knobs");
	check(!parse("tcp-timeout 30s", &cfg, err, sizeof(err)) &&
	      cfg.val[FLOWSESS_CFG_TCP_TIMEOUT_MS] == 30000, "duration with s");
	check(parse("rst-invalidate-session maybe", &cfg, err, sizeof(err)) &&
	      strstr(err, "on | off"), "a bad boolean names the choices");
	check(parse("no-such-knob 1", &cfg, err, sizeof(err)) &&
	      strstr(err, "unknown knob") && strstr(err, "rst-invalidate-session"),
	      "an unknown knob lists the knobs");
	check(parse("udp-timeout 5h", &cfg, err, sizeof(err)) != 0, "unknown unit");
	check(parse("max-sessions -1", &cfg, err, sizeof(err)) != 0, "negative count");
	check(parse("max-sessions 99999999999", &cfg, err, sizeof(err)) != 0,
	      "a count past 32 bits");
	check(parse("rst-grace-delay", &cfg, err, sizeof(err)) != 0, "a knob without value");

	parse("rst-invalidate-session on rst-grace-delay 2500ms max-sessions 100", &cfg,
	      err, sizeof(err));
	check(!strcmp(CAPTURE(fs_config_print, &cfg, false),
		      "rst-invalidate-session   on\n"
		      "rst-grace-delay          2500ms\n"
		      "max-sessions             100\n"), "text output");
	check(!strcmp(CAPTURE(fs_config_print, &cfg, true),
		      "{\"rst_invalidate_session\":true,\"rst_grace_delay_ms\":2500,"
		      "\"max_sessions\":100}\n"), "JSON output: snake_case keys");

	nlh = mnl_nlmsg_put_header(buf);
	fs_config_put(nlh, &cfg);
	check(!fs_config_parse(mnl_nlmsg_get_payload(nlh), &back) &&
	      !memcmp(&back, &cfg, sizeof(cfg)), "netlink round trip");

	check(!parse("time-wait-state session-timeout 30 syn-reopen on", &cfg, err,
		     sizeof(err)) &&
	      cfg.val[FLOWSESS_CFG_TIME_WAIT_STATE] == FLOWSESS_TIME_WAIT_SESSION_TIMEOUT &&
	      cfg.val[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS] == 30000 &&
	      cfg.val[FLOWSESS_CFG_SYN_REOPEN] == 1,
	      "time-wait-state session-timeout takes a duration");
	check(!strcmp(CAPTURE(fs_config_print, &cfg, false),
		      "syn-reopen               on\n"
		      "time-wait-state          session-timeout 30s\n") &&
	      !strcmp(CAPTURE(fs_config_print, &cfg, true),
		      "{\"syn_reopen\":true,\"time_wait_state\":\"session-timeout\","
		      "\"time_wait_timeout_ms\":30000}\n"),
	      "time-wait-state printed, text and JSON");
	check(!parse("time-wait-state session-ageout", &cfg, err, sizeof(err)) &&
	      cfg.val[FLOWSESS_CFG_TIME_WAIT_STATE] == FLOWSESS_TIME_WAIT_SESSION_AGEOUT &&
	      !cfg.present[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS] &&
	      !strcmp(CAPTURE(fs_config_print, &cfg, false),
		      "time-wait-state          session-ageout\n"),
	      "time-wait-state session-ageout");
	check(parse("time-wait-state session-timeout", &cfg, err, sizeof(err)) &&
	      strstr(err, "session-timeout SECONDS"),
	      "session-timeout without its duration names the syntax");
	check(parse("time-wait-state sometimes", &cfg, err, sizeof(err)) != 0,
	      "an unknown time-wait-state");
	check(!parse("high-watermark 80% low-watermark 60 early-ageout 5", &cfg, err,
		     sizeof(err)) &&
	      cfg.val[FLOWSESS_CFG_HIGH_WATERMARK] == 80 &&
	      cfg.val[FLOWSESS_CFG_LOW_WATERMARK] == 60 &&
	      cfg.val[FLOWSESS_CFG_EARLY_AGEOUT_MS] == 5000 &&
	      !strcmp(CAPTURE(fs_config_print, &cfg, false),
		      "early-ageout             5s\n"
		      "high-watermark           80%\n"
		      "low-watermark            60%\n"),
	      "watermarks in percent, with or without the sign");
	nlh = mnl_nlmsg_put_header(buf);
	parse("time-wait-state session-timeout 30 high-watermark 90 no-syn-check on",
	      &cfg, err, sizeof(err));
	fs_config_put(nlh, &cfg);
	check(!fs_config_parse(mnl_nlmsg_get_payload(nlh), &back) &&
	      !memcmp(&back, &cfg, sizeof(cfg)), "netlink round trip of u8 and u32 knobs");

	/* A value out of its range: the knob, as typed, the range in its unit. */
	check(!strcmp(range_msg("udp-timeout 5 rst-grace-delay 601s", FLOWSESS_CFG_RST_GRACE_MS,
				0, 600000),
		      "flowsess: set: rst-grace-delay 601s is out of range: 0s to 600s\n"),
	      "out of range: seconds as typed");
	check(!strcmp(range_msg("rst-grace-delay 700000ms", FLOWSESS_CFG_RST_GRACE_MS,
				0, 600000),
		      "flowsess: set: rst-grace-delay 700000ms is out of range: 0ms to 600000ms\n"),
	      "... milliseconds as typed");
	check(!strcmp(range_msg("tcp-timeout 0", FLOWSESS_CFG_TCP_TIMEOUT_MS, 1, 604800000),
		      "flowsess: set: tcp-timeout 0 is out of range: 1ms to 604800s\n"),
	      "... a bound that is no whole second in ms");
	check(!strcmp(range_msg("max-sessions 0", FLOWSESS_CFG_MAX_SESSIONS, 1, 16777216),
		      "flowsess: set: max-sessions 0 is out of range: 1 to 16777216\n"),
	      "... a count");
	check(!strcmp(range_msg("time-wait-state session-timeout 1",
				FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS, 2000, 600000),
		      "flowsess: set: time-wait-state session-timeout 1 is out of range: "
		      "2s to 600s\n"),
	      "... session-timeout's duration");
	check(!strcmp(range_msg("udp-timeout 5", FLOWSESS_CFG_MAX_SESSIONS, 1, 2), "(none)"),
	      "... nothing said of a knob not given");
	return tests_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
