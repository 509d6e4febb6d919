/* SPDX-License-Identifier: MIT */
/*
 * The priorities of the specific-routes rules (base+310..598), one per PvD
 * table in rank order, kept stable from one plan to the next so that a PvD
 * coming or going costs its own rule and not one per later PvD (issue 17).
 * A pure computation on an array, apart from the ranking that feeds it
 * (route_plan_default.c).
 */
#include "daemon/routing/route_plan_priv.h"

#include <stdint.h>
#include <string.h>

/* Priorities (less the base) of the specific-routes rules. */
#define RP_SPEC_LO 310
#define RP_SPEC_HI 598               /* base+600 is the default's rule */
#define RP_SPEC_STEP 8               /* room left between rules added at an end */

/* Which of the previous priorities, in rank order, can stay: the longest
 * strictly increasing run of them (patience sorting, O(n log n)). */
static void rp_spec_keep(const uint16_t *old, size_t n, bool *keep)
{
	size_t tail[ROUTE_MAX_TABLES], prev[ROUTE_MAX_TABLES], len = 0;

	memset(keep, 0, n * sizeof(*keep));
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = len;

		if (old[i] < RP_SPEC_LO || old[i] > RP_SPEC_HI)
			continue;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (old[tail[mid]] < old[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tail[lo - 1] : SIZE_MAX;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	for (size_t i = len ? tail[len - 1] : SIZE_MAX; i != SIZE_MAX; i = prev[i])
		keep[i] = true;
}

/* The k rules at prio[a..a+k) go strictly between lo and hi; at an end of
 * the range they stay near the kept neighbour, leaving room to add more. */
static bool rp_spec_fill(uint16_t *prio, size_t a, size_t k, int lo, int hi, bool at_start,
			 bool at_end)
{
	int gap = hi - lo, step = gap / (int)(k + 1);

	if (step < 1)
		return false;
	if ((at_start || at_end) && step > RP_SPEC_STEP)
		step = RP_SPEC_STEP;
	for (size_t j = 0; j < k; j++) {
		if (at_start && !at_end)
			prio[a + j] = (uint16_t)(hi - (int)(k - j) * step);
		else if (at_start || at_end)
			prio[a + j] = (uint16_t)(lo + (int)(j + 1) * step);
		else
			prio[a + j] = (uint16_t)(lo + (int)(j + 1) * gap / (int)(k + 1));
	}
	return true;
}

/* prio[] holds each rule's previous priority (0: none) in rank order and
 * gets the new ones: strictly increasing, the previous one kept wherever
 * the order allows, so a PvD that comes or goes costs its own rule and
 * not one per later PvD (issue 17: 206 messages instead of 8). Only when
 * a gap is too small is the whole list spread again. */
void rp_spec_prios(uint16_t *prio, size_t n)
{
	bool keep[ROUTE_MAX_TABLES];
	size_t i = 0, a;
	bool ok = true;

	rp_spec_keep(prio, n, keep);
	while (ok && i < n) {
		if (keep[i]) {
			i++;
			continue;
		}
		for (a = i; i < n && !keep[i]; i++)
			;
		ok = rp_spec_fill(prio, a, i - a, a ? prio[a - 1] : RP_SPEC_LO - 1,
				  i < n ? prio[i] : RP_SPEC_HI + 1, a == 0, i == n);
	}
	for (i = 0; !ok && i < n; i++)
		prio[i] = (uint16_t)(RP_SPEC_LO + (i + 1) * (RP_SPEC_HI - RP_SPEC_LO + 1) / (n + 1));
}
