/* SPDX-License-Identifier: MIT */
#ifndef MIF_EXPORT_H
#define MIF_EXPORT_H

/* libmif is built with -fvisibility=hidden: only these symbols are public. */
#if defined(MIF_BUILDING_LIB)
#define MIF_EXPORT __attribute__((visibility("default")))
#else
#define MIF_EXPORT
#endif

#endif
