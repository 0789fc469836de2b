import Foundation
import PostureModel

/// Loads a bundle directory (see the shared bundle format) into a `Snapshot`.
///
/// A missing optional file means "not collected" (its collection stays nil); a present file that
/// cannot be read, is truncated or has the wrong shape is an `ImportError` naming the
/// bundle-relative file and the JSON path. Secret values are never read into the snapshot.
public struct BundleImporter: Sendable {
    public init() {}

    public func load(bundle: URL) throws -> Snapshot {
        var reader = BundleReader(bundle: bundle)
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: bundle.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ImportError(file: reader.bundleName, path: "$", message: "bundle directory not found")
        }

        let manifest = try reader.read("collected.json").map { try ImportedManifest(buffer: $0, file: reader.display("collected.json")) }

        guard let clusterBuffer = try reader.read(SourceKind.cluster.fileName) else {
            var message = "missing: cluster.json is required"
            if let failure = manifest?.sources[.cluster], failure.state == .failed {
                message += " (the collector recorded a failure: \(failure.detail ?? "no detail"))"
            }
            throw ImportError(file: reader.display(SourceKind.cluster.fileName), path: "$", message: message)
        }
        let cluster = try DocumentImporter.cluster(from: clusterBuffer, file: reader.display(SourceKind.cluster.fileName))
        var snapshot = Snapshot(collection: CollectionInfo(collectedAt: Date(timeIntervalSince1970: 0)), cluster: cluster)
        var present: Set<SourceKind> = [.cluster]

        func load<T>(_ source: SourceKind, _ importer: (JSONBuffer, String) throws -> T) throws -> T? {
            guard let buffer = try reader.read(source.fileName) else { return nil }
            present.insert(source)
            return try importer(buffer, reader.display(source.fileName))
        }

        if let pools = try load(.nodePools, DocumentImporter.nodePools(from:file:)) {
            snapshot.nodePools = pools
            snapshot.nodePoolsFromCluster = false
        }
        snapshot.registries = try load(.registries, DocumentImporter.registries(from:file:))
        snapshot.keyVaults = try load(.keyVaults, DocumentImporter.keyVaults(from:file:))
        snapshot.privateEndpoints = try load(.privateEndpoints, DocumentImporter.privateEndpoints(from:file:))
        snapshot.privateDNSZones = try load(.privateDNSZones, DocumentImporter.privateDNSZones(from:file:))
        snapshot.roleAssignments = try load(.roleAssignments, DocumentImporter.roleAssignments(from:file:))
        snapshot.diagnosticSettings = try load(.diagnosticSettings, DocumentImporter.diagnosticSettings(from:file:))

        if var inventory = try loadKubernetes(&reader) {
            present.insert(.kubernetes)
            for resource in manifest?.sources[.kubernetes]?.kindFailures ?? [] {
                if let kind = KubernetesNormalizer.kind(forResource: resource) { inventory.collectedKinds.remove(kind) }
            }
            snapshot.kubernetes = inventory
        }

        var info = CollectionInfo(collectedAt: manifest?.collectedAt ?? reader.newestModification ?? Date())
        info.collectorVersion = manifest?.collector
        info.toolVersions = manifest?.tools ?? [:]
        info.rawBytes = reader.rawBytes
        info.sources = SourceKind.allCases.map { source in
            if present.contains(source) { return SourceStatus(source: source, state: .collected) }
            if let recorded = manifest?.sources[source], recorded.state == .failed {
                return SourceStatus(source: source, state: .failed, detail: recorded.detail)
            }
            return SourceStatus(source: source, state: .missing)
        }
        snapshot.collection = info
        return snapshot
    }

    private func loadKubernetes(_ reader: inout BundleReader) throws -> KubernetesInventory? {
        let directory = reader.bundle.appendingPathComponent("kubernetes", isDirectory: true)
        var isDirectory: ObjCBool = false
        let hasDirectory = FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue
        let hasFile = FileManager.default.fileExists(atPath: reader.bundle.appendingPathComponent("kubernetes.json").path)
        if hasDirectory && hasFile {
            throw ImportError(file: reader.display("kubernetes.json"), path: "$",
                              message: "both kubernetes.json and kubernetes/ are present; a bundle holds one or the other")
        }
        if hasFile, let file = try reader.open("kubernetes.json") {
            var inventory = KubernetesInventory()
            defer { reader.rawBytes += file.byteCount }
            try DocumentImporter.kubernetes(from: file, into: &inventory)
            return inventory
        }
        guard hasDirectory else { return nil }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.lowercased().hasSuffix(".json") && !$0.hasPrefix(".") }
                .sorted()
        } catch {
            throw ImportError(file: reader.display("kubernetes/"), path: "$", message: "cannot list directory: \(error.localizedDescription)")
        }
        guard !names.isEmpty else { return nil }
        var inventory = KubernetesInventory()
        for name in names {
            let relative = "kubernetes/\(name)"
            guard let file = try reader.open(relative) else { continue }
            defer { reader.rawBytes += file.byteCount }
            try DocumentImporter.kubernetes(from: file, into: &inventory)
        }
        return inventory
    }
}

/// Reads bundle files, tracking the bytes read and the newest modification time.
struct BundleReader {
    let bundle: URL
    let bundleName: String
    var rawBytes = 0
    var newestModification: Date?

    init(bundle: URL) {
        self.bundle = bundle
        self.bundleName = bundle.standardizedFileURL.lastPathComponent
    }

    func display(_ relative: String) -> String { "\(bundleName)/\(relative)" }

    /// The file's bytes, or nil when it does not exist.
    mutating func read(_ relative: String) throws -> JSONBuffer? {
        let url = bundle.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let buffer = try JSONBuffer.read(contentsOf: url, displayName: display(relative))
        rawBytes += buffer.count
        noteModification(url)
        return buffer
    }

    /// The file opened for streaming (its bytes count once read: add `byteCount` after), or nil
    /// when it does not exist.
    mutating func open(_ relative: String) throws -> JSONFile? {
        let url = bundle.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let file = try JSONFile(contentsOf: url, displayName: display(relative))
        noteModification(url)
        return file
    }

    private mutating func noteModification(_ url: URL) {
        if let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date {
            newestModification = max(newestModification ?? modified, modified)
        }
    }
}

/// `collected.json`, as written by `aksposture collect`.
struct ImportedManifest {
    struct Source {
        var state: SourceStatus.State
        var detail: String?
        /// Resource names whose `kubectl get` failed (`kindFailures` keys).
        var kindFailures: [String]
    }
    var collectedAt: Date?
    var collector: String?
    var tools: [String: String]
    var sources: [SourceKind: Source] = [:]

    init(buffer: JSONBuffer, file: String) throws {
        let doc = try JSONReader.parse(buffer, file: file)
        let f = try Fields(object: doc.root, what: "an object")
        if let at = f.value("collectedAt") {
            let text = try Fields.string(at)
            guard let date = ImportedManifest.parseDate(text) else {
                throw ImportError(file: file, path: at.path, message: "not an ISO 8601 date-time: \(text.prefix(40))")
            }
            collectedAt = date
        }
        collector = try f.string("collector")
        tools = try f.stringMap("tools") ?? [:]
        for item in try f.list("sources") ?? [] {
            let s = try Fields(object: item)
            // Unknown sources are skipped: a newer collector may record more than this importer knows.
            guard let name = try s.string("source"), let kind = SourceKind(rawValue: name) else { continue }
            let stateText = try s.string("state") ?? "collected"
            guard let state = SourceStatus.State(rawValue: stateText) else {
                throw ImportError(file: file, path: item.path(appending: "state"), message: "unknown state '\(stateText.prefix(40))' (expected collected, missing or failed)")
            }
            var detail = try s.string("error")
            if let d = detail {
                // One line: the first line of the tool's error.
                detail = d.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            }
            var failures: [String] = []
            if let kf = try s.object("kindFailures") {
                kf.primary.forEachMember { k, _ in failures.append(k.stringValue ?? "") }
            }
            sources[kind] = Source(state: state, detail: detail, kindFailures: failures)
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
