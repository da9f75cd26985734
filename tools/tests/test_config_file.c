// SPDX-License-Identifier: GPL-2.0
/* Host tests of configuration files (flowsess save / load). Prints TAP. */
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "tool.h"
#include "tap.h"

/* Load @text; returns 0 or -1, with the messages in @err. */
static int load(const char *text, struct fs_config_file *file, char *err, size_t errlen)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *f = fmemopen(err, errlen, "w");
	int ret;

	err[0] = 0;
	ret = fs_config_load(in, "policy.conf", file, f);
	fclose(f);
	fclose(in);
	return ret;
}

int main(void)
{
	char err[1024], saved[4096], buf[MNL_SOCKET_BUFFER_SIZE];
	struct fs_config_file file, back;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	FILE *out;

	printf("1..10\n");
	check(!load("# a comment\n\n  rst-invalidate-session on   # trailing\n"
		    "time-wait-state session-timeout 30s\nhigh-watermark 90%\n",
		    &file, err, sizeof(err)) &&
	      file.cfg.val[FLOWSESS_CFG_RST_INVALIDATE_SESSION] == 1 &&
	      file.line[FLOWSESS_CFG_RST_INVALIDATE_SESSION] == 3 &&
	      file.cfg.val[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS] == 30000 &&
	      file.line[FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS] == 4 &&
	      file.cfg.val[FLOWSESS_CFG_HIGH_WATERMARK] == 90 &&
	      !file.cfg.present[FLOWSESS_CFG_MAX_SESSIONS],
	      "comments, blank lines, knobs and the lines they are on");
	check(load("rst-invalidate-session on\nno-such-knob 1\n", &file, err, sizeof(err)) &&
	      !strcmp(err, "flowsess: policy.conf:2: unknown knob \"no-such-knob\"\n"),
	      "an unknown knob, with its line");
	check(load("tcp-timeout soon\n", &file, err, sizeof(err)) &&
	      strstr(err, "policy.conf:1: tcp-timeout: bad value \"soon\""),
	      "a bad value, with its line");
	check(load("\n\nsyn-reopen\n", &file, err, sizeof(err)) &&
	      strstr(err, "policy.conf:3: syn-reopen wants a value"),
	      "a knob without value");
	check(load("udp-timeout 5\nudp-timeout 6\n", &file, err, sizeof(err)) &&
	      strstr(err, "policy.conf:2: udp-timeout was set on line 1 already"),
	      "a knob set twice");
	check(load("tcp-timeout 5 udp-timeout 6\n", &file, err, sizeof(err)) == 0 &&
	      file.line[FLOWSESS_CFG_UDP_TIMEOUT_MS] == 1,
	      "two knobs on a line are taken as set would take them");
	check(!load("", &file, err, sizeof(err)) && !file.cfg.present[1], "an empty file");

	/* save, then load: the same knobs. */
	load("rst-invalidate-session on\nrst-grace-delay 2500ms\nmax-sessions 1000\n"
	     "time-wait-state session-ageout\nlow-watermark 50\n", &file, err, sizeof(err));
	out = fmemopen(saved, sizeof(saved), "w");
	fs_config_save(out, &file.cfg);
	fclose(out);
	check(!load(saved, &back, err, sizeof(err)) &&
	      !memcmp(&back.cfg, &file.cfg, sizeof(file.cfg)), "save, then load: the same knobs");
	check(!strncmp(saved, "# flowsess configuration", 24), "a saved file says what it is");

	/* The kernel blames an attribute by offset: which knob is that? */
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	fs_config_put(nlh, &file.cfg);
	nest = (struct nlattr *)((char *)nlh + mnl_nlmsg_size(sizeof(struct genlmsghdr)));
	check(fs_config_attr_at(nlh, (char *)mnl_attr_get_payload(nest) - (char *)nlh) ==
	      FLOWSESS_CFG_RST_INVALIDATE_SESSION &&
	      fs_config_attr_at(nlh, 3) == -1, "the knob an extack offset points at");
	return tests_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
