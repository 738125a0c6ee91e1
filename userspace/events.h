/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event recorder's record (SXD_REC_EVENTS, module/recorder.c): its
 * events in time order, what each event's fields are (one list of named
 * fields, written as JSON, as text and as a trace's args), the tasks'
 * comms from the core state, and the "events" and "events_info" of the
 * JSON (docs/json.md).
 */
#ifndef SCXDUMP_EVENTS_H
#define SCXDUMP_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include "emit.h"

struct events_comm {
	int32_t pid;
	const char *comm;	/* char[16], not always ended */
	size_t order;		/* the first of a pid is the one used */
};

struct events_view {
	const struct dump_index *x;
	const struct sxd_events *h;
	const struct sxd_ev_hook *hooks;
	const struct sxd_ev_cpu *cpus;
	const struct sxd_event **sorted;	/* by (ts, cpu, seq): h->nr_events */
	struct events_comm *comms;		/* by pid */
	size_t nr_comms;
	const struct btf *vmlinux;		/* for names the dump's records lack */
	bool stopped;				/* the times are the failure's */
	uint64_t ref_ns;			/* stop_ns, or capture_ns */
};

/* 0, -ENOENT (no events record) or -ENOMEM. */
int events_open(struct events_view *v, const struct dump_index *x, const struct btf *vmlinux);
void events_close(struct events_view *v);

/* ns from the failure (or the capture) to @ts: negative before it. */
static inline int64_t events_t(const struct events_view *v, uint64_t ts)
{
	return (int64_t)(ts - v->ref_ns);
}

/* "switch", "insert"...; "unknown" for a type this decoder does not know. */
const char *events_type_name(uint32_t type);
/* The comm of @pid (char[16]) from the core state, or NULL. */
const char *events_comm(const struct events_view *v, int32_t pid);
/* The exit kind's name (SCX_EXIT_ERROR...) as @len bytes, or NULL. */
const char *events_kind_name(const struct events_view *v, int32_t kind, size_t *len);
/* Does @e pass @f? */
bool events_match(const struct events_view *v, const struct sxd_event *e,
		  const struct events_filter *f);

/* What an event's fields hold, for its writers */
enum ev_field_kind {
	EVF_INT,	/* a number */
	EVF_FLAGS,	/* a number; in hex on text */
	EVF_BOOL,
	EVF_NAME,	/* one of the decoder's names (s) */
	EVF_BYTES,	/* the dump's bytes (s, len): hostile */
	EVF_PID,	/* a pid, and the comm the core state has for it (as comm_key) */
	EVF_DSQ,	/* a DSQ id: "dsq_id" and "dsq_name" */
};

struct ev_field {
	const char *key;
	enum ev_field_kind kind;
	const char *comm_key;	/* EVF_PID */
	int64_t i;		/* EVF_INT, EVF_PID, EVF_BOOL */
	uint64_t u;		/* EVF_FLAGS, EVF_DSQ */
	const char *s;		/* EVF_NAME, EVF_BYTES */
	size_t len;		/* EVF_BYTES */
};

#define EV_MAX_FIELDS	12

struct ev_fields {
	unsigned int n;
	struct ev_field f[EV_MAX_FIELDS];
};

/* The fields of @e by its type (seq, cpu and times apart). */
void events_fields(const struct events_view *v, const struct sxd_event *e, struct ev_fields *out);
/* The fields of @e as members of the JSON object open in @g. */
void events_emit_fields(yajl_gen g, const struct events_view *v, const struct sxd_event *e);

/* "events_info" and "events": the recorder's, or null, filtered by e->o->events */
void emit_events(const struct emit *e);

#endif
