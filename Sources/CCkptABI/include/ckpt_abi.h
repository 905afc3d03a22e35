/* include/ckpt.h as a Clang module for the library's Swift code.
 *
 * The exported thunks of the Ckpt module are `@c @implementation`s of the
 * header's declarations, so the compiler checks each one against the
 * hand-written prototype.  The version and the limits are read from the
 * header's macros here, so they are written in one place.  Swift imports a
 * macro only when it is a literal or a simple expression of literals; the
 * ones built from other macros are wrapped in functions below.  Nothing
 * here is exported from libckpt.so. */
#ifndef CKPT_ABI_H
#define CKPT_ABI_H

#include "../../../include/ckpt.h"

/* CKPT_VERSION_STRING: a string literal with static storage. */
static inline const char *ckpt_abi_version_string(void) { return CKPT_VERSION_STRING; }
/* CKPT_VERSION_NUMBER. */
static inline int ckpt_abi_version_number(void) { return CKPT_VERSION_NUMBER; }

#endif
