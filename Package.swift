// swift-tools-version:6.0
//
// Layers, from the C surface down (dependencies point one way):
//   Ckpt          the exported C surface (@c thunks) -> libckpt.so.1
//   CkptClient    configuration, backend choice, checkpoint.wait
//   CkptEmbedded  the SQLite checkpoint service        CkptRemote  HTTPS + signing
//   CkptCore      JSON, errors, operations and their request schemas
//   C*            system libraries and a small C shim
import PackageDescription

let package = Package(
    name: "libckpt",
    products: [
        .library(name: "ckpt", type: .dynamic, targets: ["Ckpt"]),
        .executable(name: "ckpt-cli", targets: ["CkptCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CJansson", pkgConfig: "jansson",
                       providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibcrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "CCkptShim", dependencies: ["CSQLite", "CCurl"]),

        .target(name: "CkptCore", dependencies: ["CJansson"]),
        .target(name: "CkptEmbedded", dependencies: ["CkptCore", "CSQLite", "CCkptShim"]),
        .target(name: "CkptRemote", dependencies: ["CkptCore", "CJansson", "CCurl", "CLibcrypto", "CCkptShim"]),
        .target(name: "CkptClient", dependencies: ["CkptCore", "CkptEmbedded", "CkptRemote"]),
        .target(name: "Ckpt", dependencies: ["CkptClient", "CJansson"]),

        // The emulator server: the embedded backend on the documented REST paths.
        .target(name: "CkptServe", dependencies: [
            "CkptClient", "CkptEmbedded", "CkptRemote", "CkptCore",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),

        .executableTarget(name: "CkptCLI", dependencies: [
            "CkptClient", "CkptServe",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "CkptCoreTests", dependencies: ["CkptCore", "CJansson"]),
        .testTarget(name: "CkptEmbeddedTests", dependencies: ["CkptClient", "CkptEmbedded", "CkptCore"]),
        .testTarget(name: "CkptRemoteTests", dependencies: ["CkptRemote", "CkptCore"],
                    resources: [.copy("Fixtures")]),
    ]
)
