// swift-tools-version:6.1
import PackageDescription

// Only the system library target touches C; everything else is Swift. Curses is linked
// through CNcurses and imported by TerminalUI alone.
let package = Package(
    name: "aksposture",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "aksposture", targets: ["aksposture"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncursesw5-dev"])]),
        .target(name: "PostureModel"),
        .target(
            name: "PostureImport",
            dependencies: ["PostureModel"]),
        .target(
            name: "PostureStore",
            dependencies: [
                "PostureModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "PostureScoring",
            dependencies: [
                "PostureModel",
                .product(name: "Yams", package: "Yams"),
            ]),
        .target(
            name: "PostureOutput",
            dependencies: [
                "PostureModel",
                .product(name: "Yams", package: "Yams"),
            ]),
        .target(
            name: "PostureViews",
            dependencies: ["PostureModel"]),
        .target(
            name: "TerminalUI",
            dependencies: ["CNcurses", "PostureViews"]),
        .executableTarget(
            name: "aksposture",
            dependencies: [
                "PostureModel", "PostureImport", "PostureStore", "PostureScoring",
                "PostureViews", "TerminalUI", "PostureOutput",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "aksposture-bench",
            dependencies: [
                "PostureModel", "PostureImport", "PostureStore", "PostureScoring",
                "PostureViews", "PostureOutput",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/aksposture-bench"),
        // A tiny console driven through the real TerminalRunner under a pseudo-terminal by
        // TerminalUITests (byte hygiene, diffing, restore on signals). Not shipped.
        .executableTarget(
            name: "aksposture-ttyprobe",
            dependencies: ["TerminalUI", "PostureViews"]),
        // Reliability: importer fuzzing (libFuzzer in the fuzz build, a replay/seed tool
        // otherwise) and the harness shared with ReliabilityTests. See RELIABILITY.md.
        .target(
            name: "FuzzSupport",
            dependencies: ["PostureImport", "PostureModel"],
            path: "Fuzz/FuzzSupport"),
        .executableTarget(
            name: "aksposture-fuzz-import",
            dependencies: ["FuzzSupport"],
            path: "Fuzz/ImportFuzz"),
        // Writer and reader loops for the concurrency runs (quick in ReliabilityTests, long in
        // Scripts/reliability/concurrency.sh).
        .executableTarget(
            name: "aksposture-stress",
            dependencies: ["FuzzSupport", "PostureImport", "PostureModel", "PostureStore", "PostureScoring", "PostureViews"],
            path: "Fuzz/StressDriver"),
        .testTarget(name: "PostureModelTests", dependencies: ["PostureModel"]),
        .testTarget(
            name: "PostureImportTests",
            dependencies: ["PostureImport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "PostureStoreTests", dependencies: ["PostureStore", "PostureImport"]),
        .testTarget(name: "PostureScoringTests", dependencies: ["PostureScoring", "PostureImport"]),
        .testTarget(name: "PostureViewsTests", dependencies: ["PostureViews", "PostureScoring", "PostureImport"],
                    exclude: ["__Snapshots__"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "FuzzSupport"]),
        .testTarget(name: "PostureOutputTests", dependencies: ["PostureOutput"]),
        .testTarget(name: "CLITests", dependencies: ["aksposture"], exclude: ["__Snapshots__"]),
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                "FuzzSupport", "PostureModel", "PostureImport", "PostureStore", "PostureScoring",
                "PostureViews", "PostureOutput",
                // Built for the process-level tests (kill -9, faults, signals); run as binaries.
                "aksposture", "aksposture-stress",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ]
)
