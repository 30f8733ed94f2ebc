// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the end-to-end test initramfs.
 *
 * Mounts proc, sysfs, devtmpfs and debugfs, waits for the simulated remote
 * processors the command line asks for, runs the recovery selftest (or the
 * recovery bench) and powers off. Its output, and the selftest's, goes through /dev/kmsg so that
 * every line reaches the console whole, time-stamped and in order with the
 * kernel's messages.
 *
 * Command line (the kernel ignores these dotted parameters):
 *   e2e.test=PATH      the test to run (default /remoteproc_recovery_test)
 *   e2e.mode=test      run every test case (default)
 *   e2e.mode=bench     run the recovery bench (e2e.bench) instead, in
 *                      parts (see run_bench()): e2e.cycles recoveries per
 *                      processor, e2e.classes (RPROC_CLASSES) for the first
 *                      e2e.chunk cycles, the recovery classes alone after;
 *                      e2e.timeline=N cycles traced with function_graph
 *   e2e.bench=PATH     bench: the program (default /remoteproc_recovery_bench)
 *   e2e.chunk=N        bench: cycles per part (default 1000)
 *   e2e.timeline=N     bench: cycles per class traced (default 0: none)
 *   e2e.args="..."     more arguments for the test (harness filters; not the bench)
 *   e2e.wait=S         wait up to S seconds for the remoteproc_sim.boot +
 *                      remoteproc_sim.attach processors to be up (default 120)
 *   e2e.kmemleak=0     do not scan for leaks at the end
 *   e2e.KEY=VALUE      any other key is passed as RPROC_KEY=VALUE
 *                      (e2e.cycles=3 -> RPROC_CYCLES=3)
 *
 * Prints "# meminfo phase=start|end MemAvailable=N Slab=N" (kB),
 * "# kmemleak suspects=N" (or "# kmemleak scan failed|not available: WHY")
 * and, last, "E2E-EXIT: STATUS". In bench mode also "# bench part=NAME
 * cycles=N" before each run of the test, after it "# meminfo phase=NAME
 * done=N ..." and "# counts phase=NAME done=N ..." (what userspace sees of
 * the devices, ids and files; done: recoveries per processor so far), and
 * "# ftrace LINE" for the trace of the timeline part.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64

static int kmsg = -1;

/* One line to the kernel log (and so the console), or to stdout */
static void put_line(const char *line, size_t len)
{
	char buf[1024];
	int n;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > sizeof(buf) - 16)
		len = sizeof(buf) - 16;
	if (kmsg >= 0) {
		n = snprintf(buf, sizeof(buf), "<5>%.*s", (int)len, line);
		if (write(kmsg, buf, n) == n)
			return;
	}
	n = snprintf(buf, sizeof(buf), "%.*s\n", (int)len, line);
	if (write(1, buf, n) < 0)
		return;
}

static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	put_line(buf, n);
}

static int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - total);
		if (n <= 0)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

static int write_file(const char *path, const char *val)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return ret;
}

static void do_mount(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		say("# init: mount %s on %s: %s", type, dir, strerror(errno));
}

static long meminfo(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void print_meminfo(const char *phase)
{
	static char buf[8192];

	/* Without the caches that only reflect what was read lately */
	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
	if (read_file("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return;
	say("# meminfo phase=%s MemAvailable=%ld Slab=%ld SUnreclaim=%ld kB", phase,
	    meminfo(buf, "\nMemAvailable:"), meminfo(buf, "\nSlab:"),
	    meminfo(buf, "\nSUnreclaim:"));
}

/* Entries of @dir whose name starts with @prefix, and the largest number after it */
static int count_dir(const char *dir, const char *prefix, long *max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	*max = -1;
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		const char *rest;
		char *end;
		long v;

		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		n++;
		rest = de->d_name + strlen(prefix);
		while (*rest && !isdigit((unsigned char)*rest))
			rest++;
		v = strtol(rest, &end, 10);
		if (end != rest && v > *max)
			*max = v;
	}
	closedir(d);
	return n;
}

/* What userspace sees of the devices, their ids and the open files */
static void print_counts(const char *phase)
{
	long vmax, rmax, cmax, emax, pmax, fmax;
	int virtio = count_dir("/sys/bus/virtio/devices", "virtio", &vmax);
	int rpmsg = count_dir("/sys/bus/rpmsg/devices", "", &rmax);
	int ctrl = count_dir("/dev", "rpmsg_ctrl", &cmax);
	int ept = count_dir("/dev", "rpmsg", &emax) - (ctrl > 0 ? ctrl : 0);
	int rproc = count_dir("/sys/class/remoteproc", "remoteproc", &pmax);
	int fds = count_dir("/proc/self/fd", "", &fmax);

	say("# counts phase=%s virtio=%d virtio_max_id=%ld rpmsg_bus=%d rpmsg_ctrl=%d "
	    "rpmsg_ctrl_max_id=%ld rpmsg_ept=%d remoteproc=%d remoteproc_max_id=%ld "
	    "init_fds=%d", phase, virtio, vmax, rpmsg, ctrl, cmax, ept, rproc, pmax, fds);
}

/* ----- command line ----- */

struct opts {
	const char *test;
	const char *bench;
	const char *mode;
	char *args;
	int wait_s;
	int kmemleak;
	int sim_procs;		/* remoteproc_sim.boot + .attach */
	/* bench */
	long cycles;		/* recoveries per processor in all */
	long chunk;		/* cycles per part */
	int timeline;		/* cycles per class traced */
	const char *classes;	/* RPROC_CLASSES of the first part */
};

/* Split the command line in place; values may be "quoted" */
static int split(char *s, char **tok, int max)
{
	int n = 0;

	while (*s && n < max) {
		char *out;
		int quoted = 0;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		out = s;
		tok[n++] = s;
		for (; *s && (quoted || !isspace((unsigned char)*s)); s++) {
			if (*s == '"')
				quoted = !quoted;
			else
				*out++ = *s;
		}
		if (*s)
			s++;
		*out = '\0';
	}
	return n;
}

static void parse_cmdline(struct opts *o)
{
	static char buf[4096];
	char *tok[256];
	int n, i;

	if (read_file("/proc/cmdline", buf, sizeof(buf)) <= 0)
		return;
	n = split(buf, tok, 256);
	for (i = 0; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		char *key = tok[i], *val;

		if (!eq)
			continue;
		*eq = '\0';
		val = eq + 1;
		if (!strcmp(key, "remoteproc_sim.boot") || !strcmp(key, "remoteproc_sim.attach")) {
			o->sim_procs += atoi(val);
			continue;
		}
		if (strncmp(key, "e2e.", 4))
			continue;
		key += 4;
		if (!strcmp(key, "test")) {
			o->test = val;
		} else if (!strcmp(key, "bench")) {
			o->bench = val;
		} else if (!strcmp(key, "mode")) {
			o->mode = val;
		} else if (!strcmp(key, "args")) {
			o->args = val;
		} else if (!strcmp(key, "wait")) {
			o->wait_s = atoi(val);
		} else if (!strcmp(key, "kmemleak")) {
			o->kmemleak = atoi(val);
		} else if (!strcmp(key, "chunk")) {
			o->chunk = atol(val);
		} else if (!strcmp(key, "timeline")) {
			o->timeline = atoi(val);
		} else {
			char var[64];
			int c;

			if (!strcmp(key, "cycles"))
				o->cycles = atol(val);
			else if (!strcmp(key, "classes"))
				o->classes = val;
			snprintf(var, sizeof(var), "RPROC_%s", key);
			for (c = 6; var[c]; c++)
				var[c] = toupper((unsigned char)var[c]);
			setenv(var, val, 1);
		}
	}
}

/* ----- waiting for the simulated processors ----- */

static int procs_up(void)
{
	char path[512], state[64];
	struct dirent *de;
	int up = 0;
	DIR *d;

	d = opendir("/sys/class/remoteproc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/remoteproc/%s/state", de->d_name);
		if (read_file(path, state, sizeof(state)) <= 0)
			continue;
		if (!strncmp(state, "running", 7) || !strncmp(state, "attached", 8))
			up++;
	}
	closedir(d);
	return up;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void wait_procs(const struct opts *o)
{
	double start = now_s();
	int up = 0;

	if (o->sim_procs <= 0)
		return;
	while (now_s() - start < o->wait_s) {
		up = procs_up();
		if (up >= o->sim_procs)
			break;
		usleep(10000);
	}
	say("# init: %d of %d simulated processor(s) up after %.2f s", up, o->sim_procs,
	    now_s() - start);
}

/* ----- running the test ----- */

/* Run @prog (with e2e.args when @args), relaying its output */
static int run_prog(const struct opts *o, const char *prog, bool args)
{
	char *argv[MAX_ARGS + 2];
	char buf[4096], *line;
	size_t have = 0;
	int pfd[2], argc = 0, status;
	pid_t pid;
	ssize_t n;

	argv[argc++] = (char *)prog;
	if (args && o->args)
		argc += split(o->args, argv + argc, MAX_ARGS);
	argv[argc] = NULL;

	if (pipe(pfd))
		return 254;
	pid = fork();
	if (pid < 0)
		return 254;
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[1]);
		execv(prog, argv);
		dprintf(2, "# init: exec %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);

	/* Relay the output line by line */
	for (;;) {
		n = read(pfd[0], buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		while ((line = memchr(buf, '\n', have))) {
			put_line(buf, line - buf);
			have -= line + 1 - buf;
			memmove(buf, line + 1, have);
		}
		if (have == sizeof(buf) - 1) {
			put_line(buf, have);
			have = 0;
		}
	}
	if (have)
		put_line(buf, have);
	close(pfd[0]);

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 254;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* ----- bench ----- */

/*
 * The recovery path and its neighbours, traced with function_graph for the
 * timeline (a function the kernel does not have, inlined for example, is
 * named in "# ftrace missing:")
 */
static const char *const traced[] = {
	/* userspace's crash, stop, detach and start */
	"rproc_crash_write", "rproc_report_crash", "rproc_shutdown", "rproc_detach",
	"rproc_boot",
	/* the recovery (rproc_boot_recovery and rproc_attach_recovery are inlined) */
	"rproc_crash_handler_work", "rproc_trigger_recovery",
	/* teardown */
	"rproc_stop", "__rproc_detach", "rproc_vdev_do_stop", "rproc_remove_virtio_dev",
	"unregister_virtio_device", "rpmsg_remove", "rproc_coredump",
	"rproc_resource_cleanup",
	/* bring-up */
	"request_firmware", "release_firmware", "rproc_fw_boot", "rproc_attach",
	"rproc_alloc_registered_carveouts", "rproc_start", "rproc_prepare_subdevices",
	"rproc_start_subdevices", "rproc_vdev_do_start", "register_virtio_device",
	"rpmsg_probe", "rpmsg_ctrldev_probe",
	/* the simulated processor's operations */
	"rproc_sim_prepare", "rproc_sim_unprepare", "rproc_sim_start", "rproc_sim_stop",
	"rproc_sim_attach", "rproc_sim_detach", "rproc_sim_load", "rproc_sim_parse_fw",
	/* name service, channel, endpoint, echo */
	"rpmsg_ns_cb", "rpmsg_register_device", "rpmsg_chrdev_probe",
	"rpmsg_chrdev_eptdev_create", "rpmsg_eptdev_open", "rpmsg_eptdev_write_iter",
	"rpmsg_ept_cb", "rpmsg_eptdev_read_iter",
};

static char tracefs[64];

static int trace_write(const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	return write_file(path, val);
}

/*
 * function_graph on traced[] and the scheduler's switch and wakeup events,
 * tracing off; 0 when it can be switched on
 */
static int ftrace_setup(void)
{
	static char missing[2048], avail[4096];
	char path[128];
	size_t i;
	int fd;

	snprintf(tracefs, sizeof(tracefs), "/sys/kernel/tracing");
	do_mount("tracefs", tracefs, "tracefs");
	snprintf(path, sizeof(path), "%s/available_tracers", tracefs);
	if (read_file(path, avail, sizeof(avail)) <= 0 || !strstr(avail, "function_graph")) {
		say("# ftrace not available: no function_graph tracer in %s", path);
		return -1;
	}
	trace_write("tracing_on", "0");
	trace_write("current_tracer", "nop");
	trace_write("set_ftrace_filter", "");
	snprintf(path, sizeof(path), "%s/set_ftrace_filter", tracefs);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		say("# ftrace not available: %s: %s", path, strerror(errno));
		return -1;
	}
	missing[0] = '\0';
	for (i = 0; i < sizeof(traced) / sizeof(traced[0]); i++)
		/* one name per write, ended: the parser holds an unended one */
		if (dprintf(fd, "%s\n", traced[i]) < 0 &&
		    strlen(missing) + strlen(traced[i]) + 2 < sizeof(missing)) {
			strcat(missing, " ");
			strcat(missing, traced[i]);
		}
	close(fd);
	if (missing[0])
		say("# ftrace missing:%s", missing);
	trace_write("buffer_size_kb", "4096");
	if (trace_write("current_tracer", "function_graph")) {
		say("# ftrace not available: function_graph does not start");
		return -1;
	}
	/* the tracer's own options exist once it is the current one */
	if (trace_write("trace_options", "funcgraph-abstime") ||
	    trace_write("trace_options", "funcgraph-proc") ||
	    trace_write("trace_options", "funcgraph-tail")) {
		say("# ftrace not available: function_graph options");
		return -1;
	}
	/* who runs while a traced function waits, and why it stopped running */
	trace_write("events/sched/sched_switch/enable", "1");
	trace_write("events/sched/sched_wakeup/enable", "1");
	trace_write("trace", "");
	return 0;
}

/* The trace, line by line, as "# ftrace LINE"; then the tracer off */
static void ftrace_dump(void)
{
	char path[128], buf[4096], *line;
	size_t have = 0;
	int fd, lines = 0;
	ssize_t n;

	trace_write("tracing_on", "0");
	snprintf(path, sizeof(path), "%s/trace", tracefs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += n;
		buf[have] = '\0';
		while ((line = memchr(buf, '\n', have))) {
			*line = '\0';
			if (buf[0] != '#' && buf[0]) {
				say("# ftrace %s", buf);
				lines++;
			}
			have -= line + 1 - buf;
			memmove(buf, line + 1, have);
		}
		if (have == sizeof(buf) - 1)
			have = 0;	/* no line is that long */
	}
	if (fd >= 0)
		close(fd);
	say("# ftrace end lines=%d", lines);
	/* Function tracing off again: a nop in each function */
	trace_write("events/sched/sched_switch/enable", "0");
	trace_write("events/sched/sched_wakeup/enable", "0");
	trace_write("current_tracer", "nop");
	trace_write("set_ftrace_filter", "");
}

/* One run of the bench: @cycles cycles per processor of @classes */
static int bench_part(const struct opts *o, const char *part, long cycles,
		      const char *classes)
{
	char val[32];

	snprintf(val, sizeof(val), "%ld", cycles);
	setenv("RPROC_CYCLES", val, 1);
	setenv("RPROC_CLASSES", classes, 1);
	say("# bench part=%s cycles=%ld classes=%s", part, cycles, classes);
	return run_prog(o, o->bench, false);
}

static void bench_state(const char *phase, long done)
{
	char name[64];

	/* RCU-freed objects are gone after a grace period or two */
	sleep(1);
	snprintf(name, sizeof(name), "%s done=%ld", phase, done);
	print_meminfo(name);
	print_counts(name);
}

/*
 * The recovery bench, in parts:
 *   compare   e2e.chunk cycles of e2e.classes (the recovery classes and the
 *             floor), for the recovery/floor ratio, in runs of 100 cycles;
 *             also the warm-up
 *   timeline  e2e.timeline cycles of the same classes, traced
 *   drift     the recovery classes alone, e2e.chunk cycles per run, until
 *             each processor recovered e2e.cycles times
 * with the memory and the counts after each part.
 */
static int run_bench(const struct opts *o)
{
	static char recovery[256];
	const char *classes = o->classes ? o->classes : "watchdog,floor";
	long chunk = o->chunk > 0 ? o->chunk : 1000;
	long done, first, n;
	char *p, *tok, *save;
	int status;

	/* the recovery classes: e2e.classes without "floor" */
	p = strdup(classes);
	for (tok = strtok_r(p, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "floor"))
			continue;
		if (recovery[0])
			strncat(recovery, ",", sizeof(recovery) - strlen(recovery) - 1);
		strncat(recovery, tok, sizeof(recovery) - strlen(recovery) - 1);
	}
	free(p);

	/*
	 * The test runs one class after the other: in slices of 100 cycles
	 * the floor and the recoveries alternate every few seconds, so that
	 * a change of the host's load does not fall on one of them only.
	 */
	first = o->cycles < chunk ? o->cycles : chunk;
	for (done = 0, status = 0; done < first && !status; done += n) {
		n = first - done < 100 ? first - done : 100;
		status = bench_part(o, "compare", n, classes);
	}
	bench_state("compare", done);
	if (status)
		return status;

	if (o->timeline > 0 && !ftrace_setup()) {
		trace_write("tracing_on", "1");
		status = bench_part(o, "timeline", o->timeline, classes);
		ftrace_dump();
		done += o->timeline;
		bench_state("timeline", done);
		if (status)
			return status;
	}

	while (recovery[0] && done < o->cycles) {
		n = o->cycles - done < chunk ? o->cycles - done : chunk;
		status = bench_part(o, "drift", n, recovery);
		done += n;
		bench_state("drift", done);
		if (status)
			return status;
	}
	return 0;
}

/* ----- kmemleak ----- */

static void kmemleak_report(void)
{
	static char buf[1 << 20];
	const char *kl = "/sys/kernel/debug/kmemleak";
	int len, suspects = 0, lines = 0;
	char *p, *nl;

	if (access(kl, F_OK)) {
		say("# kmemleak not available: %s: %s", kl, strerror(errno));
		return;
	}
	/* Objects younger than 5 s are never reported; two scans confirm */
	sleep(6);
	if (write_file(kl, "scan")) {
		say("# kmemleak scan failed: %s", strerror(errno));
		return;
	}
	sleep(1);
	write_file(kl, "scan");
	len = read_file(kl, buf, sizeof(buf));
	if (len < 0) {
		say("# kmemleak scan failed: read %s: %s", kl, strerror(errno));
		return;
	}
	for (p = buf; len > 0 && p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (!strncmp(p, "unreferenced object", 19))
			suspects++;
		/* The first reports, to see what leaked */
		if (lines < 80) {
			put_line(p, nl ? (size_t)(nl - p) : strlen(p));
			lines++;
		}
	}
	say("# kmemleak suspects=%d", suspects);
}

int main(void)
{
	struct opts o = {
		.test = "/remoteproc_recovery_test",
		.bench = "/remoteproc_recovery_bench",
		.mode = "test",
		.wait_s = 120,
		.kmemleak = 1,
	};
	int fd, status;

	do_mount("proc", "/proc", "proc");
	do_mount("sysfs", "/sys", "sysfs");
	do_mount("devtmpfs", "/dev", "devtmpfs");
	do_mount("debugfs", "/sys/kernel/debug", "debugfs");
	mkdir("/tmp", 01777);

	/* Without /dev/console in the archive the kernel gave us no stdio */
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	/* Our lines go to the kernel log, unthrottled */
	write_file("/proc/sys/kernel/printk_devkmsg", "on");
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	setenv("PATH", "/", 1);
	parse_cmdline(&o);
	say("# init: e2e mode=%s test=%s", o.mode, strcmp(o.mode, "bench") ? o.test : o.bench);
	wait_procs(&o);
	print_meminfo("start");

	if (!strcmp(o.mode, "bench"))
		status = run_bench(&o);
	else
		status = run_prog(&o, o.test, true);

	print_meminfo("end");
	if (o.kmemleak)
		kmemleak_report();
	else
		say("# kmemleak not available: not scanned (e2e.kmemleak=0)");
	say("E2E-EXIT: %d", status);

	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
