import CCkptABI

/// The library's version, "MAJOR.MINOR.PATCH": ckpt.h's CKPT_VERSION_STRING.
package let libraryVersion = String(cString: ckpt_abi_version_string())

/// MAJOR * 10000 + MINOR * 100 + PATCH: ckpt.h's CKPT_VERSION_NUMBER.
package let libraryVersionNumber = Int(ckpt_abi_version_number())
