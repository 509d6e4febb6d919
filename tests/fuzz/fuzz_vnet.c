/* SPDX-License-Identifier: MIT */
/* libFuzzer: what a TUN device with a virtio-net header hands over (the
 * header, then a packet or a TSO/USO super-packet), split as both tunnel
 * ends do (vnet.h); the pieces then coalesced as the receiving end does.
 * Every piece must lie inside the input and every split must rebuild at
 * most the input's payload; a partial TCP checksum, completed, must be
 * valid. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netlink/vnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[65536], flat[VNET_MAX_SEGS][2048];
	static struct vnet_seg segs[VNET_MAX_SEGS];
	static struct vnet_pkt pk[VNET_MAX_SEGS];
	static struct vnet_train tr[VNET_MAX_SEGS];
	struct vnet_hdr h;
	size_t n = 0, len, nf = 0, nt, covered = 0;

	if (vnet_hdr_parse(data, size, &h) != 0 || size - VNET_HDR_LEN > sizeof(pkt))
		return 0;
	len = size - VNET_HDR_LEN;
	memcpy(pkt, data + VNET_HDR_LEN, len);
	if (vnet_split(&h, pkt, len, segs, VNET_MAX_SEGS, &n) != 0)
		return 0;
	if (n == 0 || n > VNET_MAX_SEGS)
		__builtin_trap();
	for (size_t i = 0; i < n; i++) {
		const struct vnet_seg *s = &segs[i];

		if (s->data < pkt || s->data + s->data_len > pkt + len ||
		    s->hdr_len > VNET_SEG_HDR_MAX)
			__builtin_trap();
		covered += s->data_len;
		if (s->hdr_len + s->data_len <= sizeof(flat[0])) {
			memcpy(flat[nf], s->hdr, s->hdr_len);
			memcpy(flat[nf] + s->hdr_len, s->data, s->data_len);
			pk[nf] = (struct vnet_pkt){ flat[nf], s->hdr_len + s->data_len };
			nf++;
		}
	}
	if (covered > len)
		__builtin_trap();
	/* A partial TCP checksum (vnet.h), completed, is a valid one. */
	for (size_t i = 0; i < nf; i++) {
		static uint8_t tmp[2048];

		memcpy(tmp, pk[i].p, pk[i].len);
		if (vnet_csum_partial(tmp, pk[i].len) &&
		    (!vnet_csum_complete(tmp, pk[i].len) || !vnet_l4_csum_ok(tmp, pk[i].len)))
			__builtin_trap();
	}
	nt = vnet_coalesce(pk, nf, tr, VNET_MAX_SEGS);
	for (size_t i = 0, next = 0; i < nt; i++) {
		if (tr[i].first != next || tr[i].n == 0 || tr[i].first + tr[i].n > nf ||
		    (tr[i].n > 1 && tr[i].hdr_len > pk[tr[i].first].len))
			__builtin_trap();
		next = tr[i].first + tr[i].n;
	}
	return 0;
}
