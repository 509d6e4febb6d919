/* SPDX-License-Identifier: MIT */
#include "daemon/core/proc.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"

const char *proc_role_name(enum proc_role r)
{
	switch (r) {
	case PROC_PARENT:
		return "parent";
	case PROC_ENGINE:
		return "engine";
	case PROC_NET:
		return "net";
	}
	return "?";
}

int proc_user_lookup(struct proc_user *u)
{
	static const char *const names[] = { "mif", "nobody" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct passwd *pw = getpwnam(names[i]);

		if (pw && pw->pw_uid != 0) {
			u->uid = pw->pw_uid;
			u->gid = pw->pw_gid;
			snprintf(u->name, sizeof(u->name), "%s", names[i]);
			return 0;
		}
	}
	return -ENOENT;
}

int proc_keep_fds(int *fds, size_t n)
{
	int want = 3;

	log_reopen_begin();
	/* Out of the way first (above every target), then into place, so
	 * that no move overwrites a descriptor still to be moved. */
	for (size_t i = 0; i < n; i++) {
		int d = fcntl(fds[i], F_DUPFD_CLOEXEC, 100);

		if (d < 0)
			return -errno;
		fds[i] = d;
	}
	for (size_t i = 0; i < n; i++, want++) {
		if (dup3(fds[i], want, O_CLOEXEC) < 0)
			return -errno;
		fds[i] = want;
	}
	if (syscall(SYS_close_range, (unsigned)want, ~0u, 0) < 0) {
		for (int fd = want; fd < 4096; fd++)
			close(fd);
	}
	log_reopen_end();
	return 0;
}

int proc_drop(const struct proc_user *u)
{
	if (geteuid() == 0) {
		/* A child of the running parent has these permitted only
		 * (caps_drop): make them effective for the change of user. */
		capng_get_caps_process();
		capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE, CAP_SETUID, CAP_SETGID, CAP_SETPCAP, -1);
		capng_apply(CAPNG_SELECT_CAPS);
		capng_clear(CAPNG_SELECT_BOTH);
		/* setresgid, setgroups(0), setresuid, then the empty sets,
		 * the bounding set included. */
		if (capng_change_id((int)u->uid, (int)u->gid,
				    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) < 0)
			return -EPERM;
	}
	/* Changing user cleared any parent-death signal: set it now, so that
	 * a parent killed outright takes its children along. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return -errno;
	if (getppid() == 1)
		return -ESRCH;           /* the parent died already */
	return 0;
}

/* What every process's event loop, allocator, clock and log need. */
static const int proc_sys_common[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	SCMP_SYS(epoll_ctl), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap),
	SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(mprotect), SCMP_SYS(futex),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction), SCMP_SYS(restart_syscall), SCMP_SYS(getrandom),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(fcntl),
	SCMP_SYS(lseek), SCMP_SYS(sysinfo), SCMP_SYS(capget), SCMP_SYS(sched_yield),
	SCMP_SYS(getrlimit), SCMP_SYS(uname),
	SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime), SCMP_SYS(shutdown),
	SCMP_SYS(getsockopt),
	/* a process's own alternate signal stack: ASan and UBSan remove theirs
	 * at exit and abort ("CHECK failed") when refused */
	SCMP_SYS(sigaltstack),
};

static const unsigned long proc_ioctls[] = { FIONREAD, FIONBIO, TCGETS };

/* The stub's upstream sockets and its clients; the control socket's. */
static const int proc_sys_net[] = {
	SCMP_SYS(bind), SCMP_SYS(connect), SCMP_SYS(accept), SCMP_SYS(accept4),
	SCMP_SYS(listen), SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(setsockopt),
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg),
	/* the mobile node's carrier files, opened by the parent and read
	 * again at offset 0 every tick (common/carrier.h) */
	SCMP_SYS(pread64),
};

/* bpf() commands (linux/bpf.h, stable uapi numbers). */
#define PROC_BPF_MAP_LOOKUP_ELEM 1
#define PROC_BPF_MAP_UPDATE_ELEM 2
#define PROC_BPF_MAP_DELETE_ELEM 3
#define PROC_BPF_MAP_GET_NEXT_KEY 4
#define PROC_BPF_LINK_CREATE 28

static int proc_allow(scmp_filter_ctx f, const int *sys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = seccomp_rule_add(f, SCMP_ACT_ALLOW, sys[i], 0);

		/* A call this architecture does not have is not an error. */
		if (r < 0 && r != -EDOM && r != -EFAULT)
			return r;
	}
	return 0;
}

int proc_seccomp(enum proc_role role)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r;

	if (!f)
		return -ENOMEM;
	r = proc_allow(f, proc_sys_common, sizeof(proc_sys_common) / sizeof(int));
	/* With arguments: abort() signals only this process; rlimits are
	 * read, never set, and only our own; ioctl() only asks how much is
	 * waiting (libevent), sets non-blocking, or asks whether a descriptor
	 * is a terminal (stdio): never TIOCSTI into a terminal. */
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
				     SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A2(SCMP_CMP_EQ, 0));
	for (size_t i = 0; r == 0 && i < sizeof(proc_ioctls) / sizeof(proc_ioctls[0]); i++)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_EQ, proc_ioctls[i]));
	if (r == 0 && role == PROC_NET) {
		r = proc_allow(f, proc_sys_net, sizeof(proc_sys_net) / sizeof(int));
		/* New sockets: IPv4 and IPv6 only (upstream DNS servers). */
		if (r == 0)
			r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
					     SCMP_A0(SCMP_CMP_EQ, AF_INET));
		if (r == 0)
			r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
					     SCMP_A0(SCMP_CMP_EQ, AF_INET6));
		/* The mobile node's fast path entries (mn_fast.h): the map
		 * commands on the maps the parent passed, nothing else. */
		for (int cmd = PROC_BPF_MAP_LOOKUP_ELEM; r == 0 && cmd <= PROC_BPF_MAP_GET_NEXT_KEY;
		     cmd++)
			r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(bpf), 1,
					     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)cmd));
	}
	if (r == 0)
		r = seccomp_load(f);
	seccomp_release(f);
	return r;
}

/*
 * The parent makes too many kinds of call to list them all (netlink, raw
 * and packet sockets, files for resolv.conf, fork for restarts, the
 * closer thread): its filter is a deny-list of what it never needs and
 * what would turn a bug into a takeover: running programs, tracing or
 * reading other processes, loading code into the kernel, mounting.
 * Denied calls fail with EPERM. (LeakSanitizer traces its own process at
 * exit, so ASan builds leave ptrace allowed.)
 */
static const int proc_sys_parent_denied[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat),
#ifndef __SANITIZE_ADDRESS__
	SCMP_SYS(ptrace),
#endif
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(kcmp),
	SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(delete_module),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(perf_event_open), SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
	SCMP_SYS(chroot), SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(reboot),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at), SCMP_SYS(userfaultfd),
	SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key), SCMP_SYS(unshare),
	SCMP_SYS(setns), SCMP_SYS(io_uring_setup), SCMP_SYS(fsopen), SCMP_SYS(fsmount),
	SCMP_SYS(move_mount), SCMP_SYS(open_tree), SCMP_SYS(settimeofday),
	SCMP_SYS(clock_settime), SCMP_SYS(adjtimex), SCMP_SYS(acct), SCMP_SYS(quotactl),
};

int proc_seccomp_parent(void)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!f)
		return -ENOMEM;
	/* Every thread (the bind socket's closer started before this). */
	r = seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; r == 0 && i < sizeof(proc_sys_parent_denied) / sizeof(int); i++) {
		r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), proc_sys_parent_denied[i], 0);
		if (r == -EDOM || r == -EFAULT)
			r = 0;           /* not on this architecture */
	}
	/* bpf(): BPF_LINK_CREATE, which attaches the mobile node's fast
	 * path programs (loaded before this filter) to a new path's
	 * interface, and the map commands on maps already held, which the
	 * network-facing process (forked under this filter: filters stack)
	 * needs for its entries (mn_fast.h). Nothing creates a map or loads
	 * a program afterwards. */
	for (int cmd = 0; r == 0 && cmd < PROC_BPF_LINK_CREATE; cmd++)
		if (cmd < PROC_BPF_MAP_LOOKUP_ELEM || cmd > PROC_BPF_MAP_GET_NEXT_KEY)
			r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(bpf), 1,
					     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)cmd));
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(bpf), 1,
				     SCMP_A0(SCMP_CMP_GT, PROC_BPF_LINK_CREATE));
	if (r == 0)
		r = seccomp_load(f);
	seccomp_release(f);
	return r;
}

int proc_send_fd(int sock, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cb;
	char one = 1;
	struct iovec iov = { &one, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
			    .msg_controllen = sizeof(cb.b) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	memset(&cb, 0, sizeof(cb));
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	return sendmsg(sock, &m, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int proc_recv_fd(int sock)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cb;
	char one;
	struct iovec iov = { &one, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
			    .msg_controllen = sizeof(cb.b) };
	struct cmsghdr *h;
	ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	int fd = -1;

	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
		    h->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(h), sizeof(int));
	if ((m.msg_flags & MSG_CTRUNC) || fd < 0) {
		if (fd >= 0)
			close(fd);
		return -EBADMSG;
	}
	return fd;
}
