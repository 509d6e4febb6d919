/* SPDX-License-Identifier: MIT */
/*
 * The closer lanes of the bind socket (bs_closer.h), in mifd's privileged
 * parent. Only the event loop queues descriptors and hands lanes out; a
 * lane's thread only closes and counts down.
 */
#include "daemon/bind/bs_closer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/core/caps.h"

static struct bs_lane {
	int wfd;
	atomic_uint pending;
	uid_t owner;
	bool owned;
	unsigned conns;                 /* open connections that will close here */
} bs_lanes[BS_CLOSER_LANES];

static pthread_once_t bs_once = PTHREAD_ONCE_INIT;
static int bs_err;
static unsigned bs_user_slots = BS_CLOSER_USER_SLOTS_MIN;

/* The users' budget from the descriptor limit, raised first; the parent's
 * seccomp filter, installed later, lets rlimits be read only. */
static unsigned bs_closer_user_slots(void)
{
	struct rlimit rl;
	rlim_t want = BS_CLOSER_NOFILE, room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return BS_CLOSER_USER_SLOTS_MIN;
	if (rl.rlim_cur < want && rl.rlim_cur != RLIM_INFINITY) {
		/* Past the hard limit too if mifd still may (CAP_SYS_RESOURCE,
		 * not yet dropped), else up to it. */
		struct rlimit up = { want, rl.rlim_max < want ? want : rl.rlim_max };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0) {
			rl.rlim_cur = want;
		} else if (rl.rlim_max > rl.rlim_cur) {
			up = (struct rlimit){ rl.rlim_max, rl.rlim_max };
			if (setrlimit(RLIMIT_NOFILE, &up) == 0)
				rl.rlim_cur = up.rlim_cur;
		}
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return BS_CLOSER_USER_SLOTS_MAX;
	if (rl.rlim_cur < BS_CLOSER_SPARE_FDS + BS_CLOSER_LANE_SLOTS + BS_CLOSER_USER_SLOTS_MIN)
		return BS_CLOSER_USER_SLOTS_MIN;
	room = rl.rlim_cur - BS_CLOSER_SPARE_FDS - BS_CLOSER_LANE_SLOTS;
	return room > BS_CLOSER_USER_SLOTS_MAX ? BS_CLOSER_USER_SLOTS_MAX : (unsigned)room;
}

/* A lane's thread: it keeps no privilege (it is started before the main
 * thread drops its own). */
static void *bs_lane_main(void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	struct bs_lane *l = &bs_lanes[v & 0xff];
	int rfd = (int)(v >> 8), fd;

	if (caps_drop_thread() < 0)
		log_err("bind socket: a closer thread cannot drop its capabilities");
	for (;;) {
		ssize_t n = read(rfd, &fd, sizeof(fd));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(fd))
			break;
		close(fd);
		atomic_fetch_sub(&l->pending, 1);
	}
	close(rfd);
	return NULL;
}

/* Signals stay with the main thread (libevent's handlers). */
static int bs_lane_start(unsigned i)
{
	pthread_attr_t a;
	pthread_t t;
	int p[2], r;

	if (pipe2(p, O_CLOEXEC) < 0 || fcntl(p[1], F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	r = -pthread_create(&t, &a, bs_lane_main, (void *)((uintptr_t)p[0] << 8 | i));
	pthread_attr_destroy(&a);
	if (r < 0) {
		close(p[0]);
		close(p[1]);
		return r;
	}
	bs_lanes[i].wfd = p[1];
	return 0;
}

static void bs_closer_start(void)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned i = 0; i < BS_CLOSER_LANES && !bs_err; i++)
		bs_err = bs_lane_start(i);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	bs_lanes[0].owned = true;       /* root's */
	bs_user_slots = bs_closer_user_slots();
}

int bs_closer_init(void)
{
	pthread_once(&bs_once, bs_closer_start);
	return bs_err;
}

unsigned bs_closer_lane(uid_t uid)
{
	unsigned i;

	if (uid == 0)
		return 0;
	for (i = 1; i < BS_CLOSER_LANES; i++)
		if (bs_lanes[i].owned && bs_lanes[i].owner == uid)
			return i;
	/* A lane is free to take once nothing of its user is queued there
	 * and no connection of theirs will close there any more. */
	for (i = 1; i < BS_CLOSER_LANES; i++) {
		if (!bs_lanes[i].owned ||
		    (!atomic_load(&bs_lanes[i].pending) && !bs_lanes[i].conns)) {
			bs_lanes[i].owned = true;
			bs_lanes[i].owner = uid;
			return i;
		}
	}
	return 1 + (unsigned)uid % (BS_CLOSER_LANES - 1);
}

bool bs_closer_room(unsigned lane, unsigned need, unsigned other_conns)
{
	unsigned users = other_conns;

	if (lane >= BS_CLOSER_LANES ||
	    atomic_load(&bs_lanes[lane].pending) + need > BS_CLOSER_LANE_SLOTS)
		return false;
	if (lane == 0)
		return true;
	for (unsigned i = 1; i < BS_CLOSER_LANES; i++)
		users += atomic_load(&bs_lanes[i].pending);
	return users + need <= bs_user_slots;
}

void bs_closer_conn(unsigned lane, bool open)
{
	struct bs_lane *l = &bs_lanes[lane < BS_CLOSER_LANES ? lane : 0];

	if (open)
		l->conns++;
	else if (l->conns)
		l->conns--;
}

unsigned bs_closer_budget(void)
{
	return BS_CLOSER_LANE_SLOTS + bs_user_slots;
}

unsigned bs_closer_pending(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < BS_CLOSER_LANES; i++)
		n += atomic_load(&bs_lanes[i].pending);
	return n;
}

/*
 * Callers have checked bs_closer_room(), and even a pipe shrunk to two
 * pages (pipe-user-pages-soft) holds more numbers than a lane's slots, so
 * the write does not fail; if it did, leaking the descriptor is better
 * than blocking the loop on it.
 */
void bs_closer_put(unsigned lane, int fd)
{
	struct bs_lane *l = &bs_lanes[lane < BS_CLOSER_LANES ? lane : 0];
	ssize_t w;

	if (fd < 0)
		return;
	atomic_fetch_add(&l->pending, 1);
	do
		w = write(l->wfd, &fd, sizeof(fd));
	while (w < 0 && errno == EINTR);
	if (w != (ssize_t)sizeof(fd)) {
		atomic_fetch_sub(&l->pending, 1);
		log_warn("bind: cannot queue descriptor %d for closing (leaked): %s", fd,
			 strerror(errno));
	}
}
