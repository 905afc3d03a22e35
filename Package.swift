// swift-tools-version:6.0
//
// Layers, from the C surface down (dependencies point one way):
//   Ckpt          the exported C surface (@c @implementation thunks of ckpt.h) -> libckpt.so.1
//   CkptClient    configuration, backend choice, the client-side operations (waits)
//   CkptEmbedded  the SQLite checkpoint service     CkptRemote  the HTTPS client (libcurl)
//   CkptWire      what both ends of the wire share: SDK-HMAC-SHA256, percent-encoding,
//                 header and query canonicalisation, the service error body
//   CkptCore      JSON, errors, the operation table and the request schemas
//   C*            system libraries, ckpt.h as a module (CCkptABI), a shim for what
//                 Swift cannot import from SQLite (CSQLiteShim), and CLazyLibs, which
//                 loads libcurl and libcrypto on first use (they are not linked)
// CkptEmulator and CkptServe (the emulator) stand beside CkptClient: they serve
// CkptEmbedded through CkptWire and never link the remote client.
import PackageDescription

// The C shims' debug info in DWARF 4, like the Swift compiler's: valgrind 3.19
// (Debian 12's) gives up on a library with a DWARF 5 unit in it, and reads
// the installed .debug file too ("Possibly corrupted debuginfo file").
// `make check-exports` checks that no DWARF 5 unit is left.
let dwarf4: [CSetting] = [.unsafeFlags(["-gdwarf-4"])]

let package = Package(
    name: "libckpt",
    products: [
        .library(name: "ckpt", type: .dynamic, targets: ["Ckpt"]),
        .executable(name: "ckpt-cli", targets: ["CkptCLI"]),
        .executable(name: "ckpt-serve", targets: ["CkptServeCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // What Hummingbird is built on, named for the emulator's own channel
        // handlers (100-continue, the connection cap).
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
    ],
    targets: [
        .systemLibrary(name: "CJansson", pkgConfig: "jansson",
                       providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // libcurl's and libcrypto's headers only: neither is linked (no
        // pkgConfig, which would add -lcurl); CLazyLibs loads them on first use.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev", "libssl-dev"])]),
        .target(name: "CCkptABI", dependencies: ["CJansson"], cSettings: dwarf4),
        .target(name: "CSQLiteShim", dependencies: ["CSQLite"], cSettings: dwarf4),
        .target(name: "CLazyLibs", dependencies: ["CCurl"], cSettings: dwarf4),

        .target(name: "CkptCore", dependencies: ["CJansson", "CCkptABI"]),
        .target(name: "CkptWire", dependencies: ["CkptCore", "CLazyLibs"]),
        .target(name: "CkptEmbedded", dependencies: ["CkptCore", "CSQLite", "CSQLiteShim"]),
        .target(name: "CkptRemote", dependencies: ["CkptCore", "CkptWire", "CCurl", "CLazyLibs"]),
        .target(name: "CkptClient", dependencies: ["CkptCore", "CkptEmbedded", "CkptRemote"]),
        .target(name: "Ckpt", dependencies: ["CkptClient", "CkptCore", "CJansson", "CCkptABI"]),

        // The emulator: the embedded backend on the documented REST paths.
        // CkptEmulator is all of it but the socket (request in, response out),
        // so that fuzz/build.sh can compile it without SwiftNIO; CkptServe puts
        // it on HTTP with Hummingbird.
        .target(name: "CkptServeConfig", dependencies: ["CkptCore"]),
        .target(name: "CkptEmulator", dependencies: ["CkptCore", "CkptWire", "CkptEmbedded"]),
        .target(name: "CkptServe", dependencies: [
            "CkptCore", "CkptWire", "CkptEmulator", "CkptServeConfig",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ]),

        // The commands.  `ckpt` does not link the server: `ckpt serve` runs
        // `ckpt-serve`, so that no other command loads Hummingbird, SwiftNIO
        // and Foundation.  CkptCLIKit is what the two share.
        .target(name: "CkptCLIKit", dependencies: [
            "CkptCore", "CkptServeConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "CkptCLI", dependencies: [
            "CkptClient", "CkptCLIKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "CkptServeCLI", dependencies: [
            "CkptServe", "CkptCLIKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "CkptCoreTests", dependencies: ["CkptCore", "CkptWire", "CJansson"]),
        .testTarget(name: "CkptEmbeddedTests", dependencies: ["CkptClient", "CkptEmbedded", "CkptCore"]),
        .testTarget(name: "CkptEmulatorTests", dependencies: ["CkptEmulator", "CkptWire", "CkptCore"]),
        .testTarget(name: "CkptRemoteTests", dependencies: ["CkptRemote", "CkptWire", "CkptCore"],
                    resources: [.copy("Fixtures")]),
    ]
)
