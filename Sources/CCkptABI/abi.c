/* SwiftPM builds a C target from at least one source file; everything of
 * this target is in include/ckpt_abi.h. */
#include "ckpt_abi.h"
