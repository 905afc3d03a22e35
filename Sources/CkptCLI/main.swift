// The `ckpt` command: libckpt's operations for shell scripts.  The commands
// are in Commands.swift; this file only starts them.
CkptCommand.main()
