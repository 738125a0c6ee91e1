// SPDX-License-Identifier: GPL-2.0
/*
 * The command line, parsed from the commands' table (cmdline.h): one
 * option table for every command, each option allowed where its command's
 * row says so. Options are long ones only, as the usage and the man page
 * give them; -h is --help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cmdline.h"
#include "tool.h"

#define OPT_VAL 256	/* getopt's value for option o: OPT_VAL + o */

static const struct option longopts[] = {
	[OPT_PRETTY] = { "pretty", no_argument, NULL, OPT_VAL + OPT_PRETTY },
	[OPT_HEX] = { "hex", no_argument, NULL, OPT_VAL + OPT_HEX },
	[OPT_SALVAGE] = { "salvage", no_argument, NULL, OPT_VAL + OPT_SALVAGE },
	[OPT_FORMAT] = { "format", required_argument, NULL, OPT_VAL + OPT_FORMAT },
	[OPT_MAP] = { "map", required_argument, NULL, OPT_VAL + OPT_MAP },
	[OPT_VMLINUX] = { "vmlinux-btf", required_argument, NULL, OPT_VAL + OPT_VMLINUX },
	[OPT_TEXT] = { "text", no_argument, NULL, OPT_VAL + OPT_TEXT },
	[OPT_JSON] = { "json", no_argument, NULL, OPT_VAL + OPT_JSON },
	[OPT_DIR] = { "dir", required_argument, NULL, OPT_VAL + OPT_DIR },
	[OPT_KEEP] = { "keep", required_argument, NULL, OPT_VAL + OPT_KEEP },
	[OPT_SOURCE] = { "source", required_argument, NULL, OPT_VAL + OPT_SOURCE },
	[OPT_ONCE] = { "once", no_argument, NULL, OPT_VAL + OPT_ONCE },
	[OPT_EXEC] = { "exec", required_argument, NULL, OPT_VAL + OPT_EXEC },
	[OPT_JOURNAL] = { "journal", no_argument, NULL, OPT_VAL + OPT_JOURNAL },
	[OPT_CPU] = { "cpu", required_argument, NULL, OPT_VAL + OPT_CPU },
	[OPT_PID] = { "pid", required_argument, NULL, OPT_VAL + OPT_PID },
	[OPT_DSQ] = { "dsq", required_argument, NULL, OPT_VAL + OPT_DSQ },
	[OPT_SINCE] = { "since", required_argument, NULL, OPT_VAL + OPT_SINCE },
	[OPT_UNTIL] = { "until", required_argument, NULL, OPT_VAL + OPT_UNTIL },
	[OPT_LAST] = { "last", required_argument, NULL, OPT_VAL + OPT_LAST },
	[NR_CMD_OPTS] = { "help", no_argument, NULL, 'h' },
	{ 0 }
};

/* What a command with @n FILE operands takes. */
static const char *const files_said[] = {
	"no FILE", "exactly one FILE", "exactly two FILEs, A and B",
};

/* "--OPT is an option of a, b and c": the rows that take @o. */
static void refuse(const struct cmdline *cl, const struct cmd *cmds, unsigned int nr_cmds,
		   enum cmd_opt o)
{
	unsigned int i, n = 0, k = 0;

	if (o == OPT_MAP && cl->cmd->every_map) {
		fprintf(stderr, "%s: %s takes every map: no --map\n", cl->prog, cl->cmd->name);
		return;
	}
	for (i = 0; i < nr_cmds; i++)
		n += !!(cmds[i].opts & (1u << o));
	fprintf(stderr, "%s: --%s is an option of", cl->prog, longopts[o].name);
	for (i = 0; i < nr_cmds; i++) {
		if (!(cmds[i].opts & (1u << o)))
			continue;
		k++;
		fprintf(stderr, "%s%s", k == 1 ? " " : k == n ? " and " : ", ", cmds[i].name);
	}
	fputc('\n', stderr);
}

/*
 * @arg as a whole integer (decimal, or 0x hex for --dsq) in [@min, @max]
 * into *@v; false (said) when it is not one.
 */
static bool number(const struct cmdline *cl, enum cmd_opt o, const char *arg, long long min,
		   unsigned long long max, bool is_signed, void *v)
{
	char *end;

	errno = 0;
	if (is_signed) {
		long long n = strtoll(arg, &end, 10);

		if (!errno && *arg && !*end && n >= min && (n < 0 || (unsigned long long)n <= max)) {
			*(long long *)v = n;
			return true;
		}
	} else {
		unsigned long long n = strtoull(arg, &end, 0);

		if (!errno && *arg && *arg != '-' && !*end && n <= max) {
			*(unsigned long long *)v = n;
			return true;
		}
	}
	fprintf(stderr, "%s: --%s takes %s, not '%s'\n", cl->prog, longopts[o].name,
		is_signed ? "an integer" : "a number", arg);
	return false;
}

/* An events filter option (scxdump events); false (said) when refused. */
static bool take_filter(struct cmdline *cl, enum cmd_opt o, const char *arg)
{
	struct events_filter *f = &cl->o.events;
	unsigned long long u;
	long long n;

	switch (o) {
	case OPT_CPU:
		if (!number(cl, o, arg, 0, UINT16_MAX, false, &u))
			return false;
		f->has_cpu = true;
		f->cpu = u;
		return true;
	case OPT_PID:
		if (!number(cl, o, arg, -1, INT32_MAX, true, &n))
			return false;
		f->has_pid = true;
		f->pid = n;
		return true;
	case OPT_DSQ:
		if (!number(cl, o, arg, 0, UINT64_MAX, false, &u))
			return false;
		f->has_dsq = true;
		f->dsq = u;
		return true;
	case OPT_UNTIL:
		if (!number(cl, o, arg, INT64_MIN, INT64_MAX, true, &n))
			return false;
		f->has_until = true;
		f->until = n;
		return true;
	case OPT_SINCE:
	case OPT_LAST:
		if (f->has_since) {
			fprintf(stderr, "%s: one of --since and --last\n", cl->prog);
			return false;
		}
		if (o == OPT_SINCE && !number(cl, o, arg, INT64_MIN, INT64_MAX, true, &n))
			return false;
		/* --last MS: from MS ms before the failure */
		if (o == OPT_LAST) {
			if (!number(cl, o, arg, 0, INT64_MAX / 1000000, true, &n))
				return false;
			n = -n * 1000000;
		}
		f->has_since = true;
		f->since = n;
		return true;
	default:
		return false;
	}
}

/* Option @o's argument @arg into @cl; false (said) when it is refused. */
static bool take(struct cmdline *cl, enum cmd_opt o, const char *arg)
{
	struct decode_opts *d = &cl->o;

	switch (o) {
	case OPT_PRETTY: d->pretty = true; break;
	case OPT_HEX: d->hex = true; break;
	case OPT_SALVAGE: cl->salvage = true; break;
	case OPT_TEXT: cl->text = true; break;
	case OPT_JSON: cl->json = true; break;
	case OPT_VMLINUX: cl->vmlinux = arg; break;
	case OPT_DIR: cl->dir = arg; break;
	case OPT_KEEP: cl->keep = arg; break;
	case OPT_SOURCE: cl->source = arg; break;
	case OPT_ONCE: cl->once = true; break;
	case OPT_EXEC: cl->exec = arg; break;
	case OPT_JOURNAL: cl->journal = true; break;
	case OPT_FORMAT:
		if (strcmp(arg, "json") && strcmp(arg, "bpftool")) {
			fprintf(stderr, "%s: --format takes json or bpftool, not '%s'\n",
				cl->prog, arg);
			return false;
		}
		d->bpftool = !strcmp(arg, "bpftool");
		break;
	case OPT_MAP:
		if (d->nr_map_names == DECODE_MAX_MAP_NAMES) {
			fprintf(stderr, "%s: at most %d --map options\n", cl->prog,
				DECODE_MAX_MAP_NAMES);
			return false;
		}
		d->map_names[d->nr_map_names++] = arg;
		break;
	case OPT_CPU:
	case OPT_PID:
	case OPT_DSQ:
	case OPT_SINCE:
	case OPT_UNTIL:
	case OPT_LAST:
		return take_filter(cl, o, arg);
	case NR_CMD_OPTS: return false;
	}
	return true;
}

/* The FILE operands, argv[optind..]: counted against the row. */
static bool take_files(struct cmdline *cl, int argc, char **argv)
{
	unsigned int n = argc - optind;

	if (n != cl->cmd->nr_files) {
		/* a command with its own help is named by the prefix already */
		fprintf(stderr, "%s: %s%stakes %s\n", cl->prog, cl->cmd->help ? "" : cl->cmd->name,
			cl->cmd->help ? "" : " ", files_said[cl->cmd->nr_files]);
		return false;
	}
	if (n >= 1)
		cl->path = argv[optind];
	if (n == 2) {
		cl->path_b = argv[optind + 1];
		if (!cl->cmd->writes_b && !strcmp(cl->path, "-") && !strcmp(cl->path_b, "-")) {
			fprintf(stderr, "%s: %s reads one of A and B from stdin (-), not both\n",
				cl->prog, cl->cmd->name);
			return false;
		}
	}
	return true;
}

int cmdline_parse(const struct cmd *cmds, unsigned int nr_cmds, void (*usage)(FILE *out),
		  int argc, char **argv, struct cmdline *cl)
{
	static char prog[64];
	const char *name;
	unsigned int i;
	int c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	cl->prog = "scxdump";
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < nr_cmds && strcmp(name, cmds[i].name); i++)
		;
	if (i == nr_cmds) {
		fprintf(stderr, "scxdump: unknown command '%s'\n", name);
		usage(stderr);
		return EXIT_USAGE;
	}
	cl->cmd = &cmds[i];
	/* a command with its own help speaks as "scxdump NAME: " */
	if (cl->cmd->help) {
		snprintf(prog, sizeof(prog), "scxdump %s", name);
		cl->prog = prog;
	}
	/* getopt's own messages start with argv[0]: the command's prefix */
	argv[1] = (char *)cl->prog;
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			(cl->cmd->help ? cl->cmd->help : usage)(stdout);
			return 0;
		}
		if (c < OPT_VAL || c >= OPT_VAL + NR_CMD_OPTS) {
			(cl->cmd->help ? cl->cmd->help : usage)(stderr);
			return EXIT_USAGE;
		}
		c -= OPT_VAL;
		if (!(cl->cmd->opts & (1u << c))) {
			refuse(cl, cmds, nr_cmds, c);
			return EXIT_USAGE;
		}
		if (!take(cl, c, optarg))
			return EXIT_USAGE;
	}
	if (cl->o.bpftool && cl->o.nr_map_names != 1) {
		fprintf(stderr, "%s: --format bpftool prints one map: give one --map NAME\n",
			cl->prog);
		return EXIT_USAGE;
	}
	return take_files(cl, argc, argv) ? -1 : EXIT_USAGE;
}
