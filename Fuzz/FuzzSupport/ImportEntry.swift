import Foundation
@_spi(Fuzzing) import PostureImport
import PostureModel

/// One importer entry point under test. The fuzz executable, the replay tool and the
/// deterministic ReliabilityTests all go through `run`, so they check the same contract.
public enum ImportEntry: String, CaseIterable, Sendable {
    case cluster, nodePools, registries, keyVaults, privateEndpoints, privateDNSZones
    case roleAssignments, diagnosticSettings, kubernetes
    /// The Kubernetes importer reading a file through a sliding window (what the bundle loader
    /// does), checked against the whole-buffer import of the same bytes: both must give the same
    /// inventory or the same error (file, JSON path and message). Inputs up to 64 KiB (all of
    /// libFuzzer's) get a window of 1 to 4,096 bytes picked by their length, so it slides inside
    /// every token; larger ones (the hostile replay's megabyte cases) the real 4 MiB window.
    case kubernetesFile
    /// The collector's value scrub (`KubernetesScrubber`) on the input as kubectl output: it must
    /// never crash, fail only where the importer fails too, and its output must import to the
    /// same inventory as the input (or fail at the same JSON path).
    case kubernetesScrub
    /// The whole bundle loader: the input is a `BundleContainer`, written to a scratch directory.
    case bundle

    /// The bundle file a document entry stands for (also the name its errors must carry).
    public var documentFileName: String? {
        switch self {
        case .cluster: SourceKind.cluster.fileName
        case .nodePools: SourceKind.nodePools.fileName
        case .registries: SourceKind.registries.fileName
        case .keyVaults: SourceKind.keyVaults.fileName
        case .privateEndpoints: SourceKind.privateEndpoints.fileName
        case .privateDNSZones: SourceKind.privateDNSZones.fileName
        case .roleAssignments: SourceKind.roleAssignments.fileName
        case .diagnosticSettings: SourceKind.diagnosticSettings.fileName
        case .kubernetes, .kubernetesFile, .kubernetesScrub: SourceKind.kubernetes.fileName
        case .bundle: nil
        }
    }

    /// How many importer passes one input costs: the differential entries run the importer (or
    /// the scrub) more than once per input, each pass held to the per-input time limit.
    public var passes: Int {
        switch self {
        case .kubernetesFile: 2      // whole buffer, then streamed from a file
        case .kubernetesScrub: 3     // input, scrub, scrubbed output
        default: 1
        }
    }

    /// Entries that write their input to a `BundleScratch` directory.
    public var needsScratch: Bool { self == .bundle || self == .kubernetesFile }

    /// Window capacities for `.kubernetesFile`: tiny ones slide inside every token and number.
    public static let fileWindowCapacities = [1, 2, 3, 5, 8, 13, 64, 4096]
    /// Longer inputs are streamed through the importer's own window: a window of a few bytes
    /// costs a read(2) per token, which says nothing about the importer's speed on big files.
    public static let smallWindowInputLimit = 65_536

    /// The window `.kubernetesFile` reads `count` bytes through; nil for the importer's own.
    public static func fileWindow(forInputOf count: Int) -> Int? {
        count <= smallWindowInputLimit ? fileWindowCapacities[count % fileWindowCapacities.count] : nil
    }

    /// The file name passed to the document importers (and expected back in their errors).
    public var displayName: String { "fuzz-bundle/\(documentFileName ?? "")" }
}

/// What one input did to an importer.
public enum ImportOutcome: Sendable {
    /// Imported; `items` counts the values produced (a smoke figure for the logs).
    case imported(items: Int)
    /// Rejected with an `ImportError` that satisfies the contract.
    case rejected(ImportError)
    /// Anything else is a bug: an error of another type, or an ImportError without a usable
    /// file or JSON path.
    case violation(String)

    public var isViolation: Bool { if case .violation = self { return true } else { return false } }
}

public enum ImportHarness {
    /// Runs one input through `entry`. `scratch` is needed only for `.bundle`.
    public static func run(_ entry: ImportEntry, _ data: Data, scratch: BundleScratch? = nil) -> ImportOutcome {
        do {
            let items: Int
            switch entry {
            case .cluster:
                _ = try DocumentImporter.cluster(from: data, file: entry.displayName); items = 1
            case .nodePools:
                items = try DocumentImporter.nodePools(from: data, file: entry.displayName).count
            case .registries:
                items = try DocumentImporter.registries(from: data, file: entry.displayName).count
            case .keyVaults:
                items = try DocumentImporter.keyVaults(from: data, file: entry.displayName).count
            case .privateEndpoints:
                items = try DocumentImporter.privateEndpoints(from: data, file: entry.displayName).count
            case .privateDNSZones:
                items = try DocumentImporter.privateDNSZones(from: data, file: entry.displayName).count
            case .roleAssignments:
                items = try DocumentImporter.roleAssignments(from: data, file: entry.displayName).count
            case .diagnosticSettings:
                items = try DocumentImporter.diagnosticSettings(from: data, file: entry.displayName).count
            case .kubernetes:
                var inventory = KubernetesInventory()
                try DocumentImporter.kubernetes(from: data, file: entry.displayName, into: &inventory)
                items = inventory.collectedKinds.count
            case .kubernetesScrub:
                return try compareScrubbedImport(data)
            case .kubernetesFile:
                guard let scratch else { return .violation("the kubernetesFile entry needs a scratch directory") }
                return try compareWindowedImport(data, scratch: scratch)
            case .bundle:
                guard let scratch else { return .violation("the bundle entry needs a scratch directory") }
                let written = try scratch.write(BundleContainer.decode(data))
                let snapshot = try BundleImporter().load(bundle: scratch.bundle)
                _ = written
                items = snapshot.collection.sources.count
            }
            return .imported(items: items)
        } catch let error as ImportError {
            if let problem = contractProblem(error, entry: entry, scratch: scratch) { return .violation(problem) }
            return .rejected(error)
        } catch let error as BundleScratch.ScratchError {
            // The harness could not write its scratch files: not the importer's fault, but the
            // run must not count it as a pass either.
            return .violation("scratch directory failure: \(error)")
        } catch {
            return .violation("not an ImportError: \(type(of: error)): \(error)")
        }
    }

    /// `.kubernetesFile`: the whole-buffer import and the windowed file import of `data` must agree.
    private static func compareWindowedImport(_ data: Data, scratch: BundleScratch) throws -> ImportOutcome {
        let entry = ImportEntry.kubernetesFile
        let window = ImportEntry.fileWindow(forInputOf: data.count)
        let windowName = window.map { "window \($0)" } ?? "default window"
        var whole = KubernetesInventory()
        var wholeError: ImportError?
        do { try DocumentImporter.kubernetes(from: data, file: entry.displayName, into: &whole) } catch let error as ImportError { wholeError = error }

        let url = try scratch.writeDocument(data)
        var streamed = KubernetesInventory()
        var streamedError: ImportError?
        do {
            let file = try JSONFile(contentsOf: url, displayName: entry.displayName)
            if let window {
                try DocumentImporter.kubernetes(from: file, windowCapacity: window, into: &streamed)
            } else {
                try DocumentImporter.kubernetes(from: file, into: &streamed)
            }
        } catch let error as ImportError { streamedError = error }

        switch (wholeError, streamedError) {
        case (nil, nil):
            if whole != streamed { return .violation("\(windowName): the streamed inventory differs from the whole-buffer import") }
            return .imported(items: streamed.collectedKinds.count)
        case (let w?, let s?):
            if w.file != s.file || w.path != s.path || w.message != s.message {
                return .violation("\(windowName): the streamed error differs from the whole-buffer error:\n  whole:    \(w)\n  streamed: \(s)")
            }
            throw s
        case (let w?, nil):
            return .violation("\(windowName): the whole-buffer import failed (\(w)) but the streamed import succeeded")
        case (nil, let s?):
            return .violation("\(windowName): the streamed import failed (\(s)) but the whole-buffer import succeeded")
        }
    }

    /// `.kubernetesScrub`: importing the scrubbed output must give what importing the input gives.
    private static func compareScrubbedImport(_ data: Data) throws -> ImportOutcome {
        let file = ImportEntry.kubernetesScrub.displayName
        var original = KubernetesInventory()
        var originalError: ImportError?
        do { try DocumentImporter.kubernetes(from: data, file: file, into: &original) } catch let error as ImportError { originalError = error }
        let output: KubernetesScrubber.Output
        do {
            output = try KubernetesScrubber.scrub(JSONBuffer(copying: data), file: file, kind: nil)
        } catch let error as ImportError {
            guard originalError != nil else {
                return .violation("the scrub rejected (\(error)) what the importer reads")
            }
            throw error
        }
        var scrubbed = KubernetesInventory()
        var scrubbedError: ImportError?
        do { try DocumentImporter.kubernetes(from: Data(output.bytes), file: file, into: &scrubbed) } catch let error as ImportError { scrubbedError = error }
        switch (originalError, scrubbedError) {
        case (nil, nil):
            if original != scrubbed { return .violation("the scrubbed output imports to another inventory") }
            return .imported(items: scrubbed.collectedKinds.count)
        case (let o?, let s?):
            if o.path != s.path { return .violation("the scrubbed output fails elsewhere:\n  input:    \(o)\n  scrubbed: \(s)") }
            throw o
        case (let o?, nil):
            return .violation("the input fails (\(o)) but its scrubbed output imports")
        case (nil, let s?):
            return .violation("the input imports but its scrubbed output fails: \(s)")
        }
    }

    /// Why `error` does not name the file and the JSON path clearly, or nil when it does.
    public static func contractProblem(_ error: ImportError, entry: ImportEntry, scratch: BundleScratch?) -> String? {
        if error.file.isEmpty { return "ImportError without a file: \(error)" }
        if !error.path.hasPrefix("$") { return "ImportError whose path is not a JSON path: \(error)" }
        if error.message.trimmingCharacters(in: .whitespaces).isEmpty { return "ImportError without a message: \(error)" }
        if entry.documentFileName != nil {
            if error.file != entry.displayName { return "ImportError names \(error.file), expected \(entry.displayName): \(error)" }
        } else if let scratch {
            // Bundle errors name a bundle-relative file: `<bundle dir>/<file>`.
            if !error.file.hasPrefix(scratch.bundle.lastPathComponent) {
                return "ImportError does not name a bundle file: \(error)"
            }
        }
        return nil
    }

    /// Raw C0/C1 controls (tab excepted) in an error's text. Not a contract violation of the
    /// importer (messages may quote input, and whoever prints them sanitizes), but counted and
    /// tested separately: see ReliabilityTests.
    public static func rawControls(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
    }
}
