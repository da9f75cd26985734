/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FLOWSESS_TOOL_H
#define FLOWSESS_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>

#include "uapi/flowsess.h"	/* the one wire format, in ../kmod */

/* Exit codes: 0 success, 1 the operation failed, 2 usage error. */
#define EXIT_USAGE 2

struct fs_genl {
	struct mnl_socket *nl;
	uint16_t family_id;
	unsigned int seq;
	unsigned int portid;
	uint32_t events_group;	/* FLOWSESS_MCGRP_EVENTS's id */
	uint32_t sync_group;	/* FLOWSESS_MCGRP_SYNC's id, 0 if none */
	char extack[256];	/* the kernel's message for the last error */
	uint32_t extack_offset;	/* ... and the offset of the attribute it blames,
				 * from the start of the request; 0: none */
	bool extack_range;	/* ... and that attribute's range, by policy */
	uint64_t extack_min, extack_max;
	bool answered;		/* the last request's reply was read to its end */
};

typedef int (*fs_reply_cb)(const struct nlmsghdr *nlh, void *data);

int fs_genl_open(struct fs_genl *g);
void fs_genl_close(struct fs_genl *g);
struct nlmsghdr *fs_genl_msg(struct fs_genl *g, char *buf, uint8_t cmd,
			     uint16_t flags);
int fs_genl_talk(struct fs_genl *g, struct nlmsghdr *nlh, fs_reply_cb cb,
		 void *data);

int fs_genl_join_events(struct fs_genl *g);
int fs_genl_join_sync(struct fs_genl *g);

int fs_genl_open_or_explain(struct fs_genl *g);
void fs_genl_explain(const struct fs_genl *g, const char *what, int err);

struct fs_stats {
	uint64_t val[__FLOWSESS_STAT_MAX];
	bool present[__FLOWSESS_STAT_MAX];
};

const char *fs_stat_name(unsigned int stat);
int fs_stats_parse(const struct nlattr *nest, struct fs_stats *st);
void fs_stats_print(FILE *out, const struct fs_stats *st, bool json);
void fs_stats_print_prometheus(FILE *out, const struct fs_stats *st, const char *netns);
const char *fs_stat_help(unsigned int stat);

/* Configuration knobs, by their SRX names. */
struct fs_config {
	uint64_t val[__FLOWSESS_CFG_MAX];
	bool present[__FLOWSESS_CFG_MAX];
};

int fs_config_parse(const struct nlattr *nest, struct fs_config *cfg);
void fs_config_print(FILE *out, const struct fs_config *cfg, bool json);
int fs_config_parse_args(int argc, char **argv, struct fs_config *cfg,
			 FILE *err);
void fs_config_put(struct nlmsghdr *nlh, const struct fs_config *cfg);
int fs_config_explain_range(FILE *err, const char *what, unsigned int attr,
			    int argc, char **argv, uint64_t min, uint64_t max);

/* Configuration files (flowsess save / load): the text `show` prints. */
struct fs_config_file {
	struct fs_config cfg;
	unsigned int line[__FLOWSESS_CFG_MAX];	/* where each knob was set */
};

void fs_config_save(FILE *out, const struct fs_config *cfg);
int fs_config_load(FILE *in, const char *name, struct fs_config_file *file,
		   FILE *err);
int fs_config_attr_at(const struct nlmsghdr *nlh, uint32_t offset);

/* Sessions: filters, dumps, events. */
struct fs_prefix {
	bool set;
	uint8_t family;
	uint8_t prefixlen;
	uint8_t addr[16];
};

struct fs_filter {
	uint8_t family;		/* AF_INET, AF_INET6, 0: any */
	bool has_proto, has_sport, has_dport, has_state;
	bool has_port, has_id, has_replied, replied;
	uint8_t proto;
	uint8_t state;
	uint16_t sport, dport;
	uint16_t port;		/* either direction */
	uint32_t id;
	uint32_t iif, oif;	/* ifindexes, 0: any */
	struct fs_prefix src, dst;
	struct fs_prefix addr;	/* either direction */
};

struct fs_session {
	uint8_t family;
	uint8_t proto;
	uint8_t state;
	uint8_t reason;
	bool live_kill;
	bool replied;			/* the reply direction was seen */
	bool imported;			/* made by an import (state sync) */
	bool has_expires;
	bool has_detail;		/* id .. idle_ms: a module that sends them */
	bool has_acct;			/* packets, bytes: accounting was on */
	uint16_t sport, dport;
	uint32_t expires_ms;
	uint32_t id, iif, oif, age_s, idle_ms;
	uint64_t packets[2], bytes[2];	/* original, reply */
	uint8_t src[16], dst[16];
};

/* A summary's "other" protocols, from the module's gauges (IANA's reserved 255). */
#define FS_SUMMARY_OTHER 255

struct fs_summary {
	uint64_t count[256][__FLOWSESS_TCP_MAX];
	uint64_t total;
};

const char *fs_state_name(unsigned int state);
const char *fs_reason_name(unsigned int reason);
int fs_filter_parse_args(int argc, char **argv, struct fs_filter *f,
			 bool *summary, FILE *err);
void fs_filter_put(struct nlmsghdr *nlh, const struct fs_filter *f);
bool fs_filter_match(const struct fs_filter *f, const struct fs_session *s);
bool fs_filter_families_agree(const struct fs_filter *f);
int fs_session_parse(const struct nlattr *nest, struct fs_session *s);
void fs_session_header(FILE *out);
void fs_session_print(FILE *out, const struct fs_session *s, bool json);
void fs_event_print(FILE *out, uint8_t cmd, const struct fs_session *s,
		    bool json);
void fs_summary_add(struct fs_summary *sum, const struct fs_session *s);
int fs_summary_from_stats(struct fs_summary *sum, const struct fs_stats *st);
void fs_summary_print(FILE *out, const struct fs_summary *sum, bool json);

/* sync: state sync with other routers (sync.c). */
int fs_cmd_sync(int argc, char **argv, const char *netns, bool json);

/* -p: pretty JSON, written through this stream. */
FILE *fs_json_pretty(FILE *out);

#endif
