// `ckpt-serve`: the emulator server in an executable of its own, so that the
// `ckpt` command does not load Hummingbird, SwiftNIO and Foundation.
// `ckpt serve ARGS` runs `ckpt-serve ARGS`.
ServeMain.main()
