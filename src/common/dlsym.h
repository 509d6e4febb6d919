/* SPDX-License-Identifier: MIT */
/*
 * dlsym() into a function pointer. dlsym returns an object pointer and ISO
 * C has no conversion from it to a function pointer; POSIX (XSH dlsym,
 * "Application Usage") guarantees that the representation is the same, so
 * copy the bytes rather than cast.
 */
#ifndef MIF_COMMON_DLSYM_H
#define MIF_COMMON_DLSYM_H

#include <dlfcn.h>
#include <string.h>

#define MIF_DLSYM(fnvar, handle, name)                                       \
	do {                                                                 \
		void *sym_ = dlsym(handle, name);                            \
		_Static_assert(sizeof(fnvar) == sizeof(sym_),                \
			       "function and object pointers differ");       \
		memcpy(&(fnvar), &sym_, sizeof(sym_));                       \
	} while (0)

#endif
