import Foundation
import PostureModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects one snapshot bundle from a live cluster by running `az` and `kubectl`.
///
/// Every command runs as an argument array through `Foundation.Process` (never a shell) with a
/// timeout. Output lands in the bundle via a hidden temporary name and a rename, so a file
/// either holds a whole, parseable document or does not exist. A failed command is recorded in
/// `collected.json` and the collection goes on; only a failed `az aks show` leaves no usable
/// snapshot, and then `collect` throws after writing `collected.json`.
public struct Collector: Sendable {
    public static let version = "aksposture 0.1.0"

    /// The kinds `kubectl get <resource> -A -o json` is run for, one file each.
    public static let standardKubernetesResources = [
        "namespaces", "serviceaccounts", "pods", "deployments", "replicasets", "statefulsets", "daemonsets",
        "jobs", "cronjobs", "services", "ingresses", "networkpolicies", "roles", "rolebindings", "clusterroles",
        "clusterrolebindings", "secrets", "configmaps", "secretproviderclasses",
    ]

    public var resourceGroup: String
    public var clusterName: String
    /// Passed as `--subscription` to every az command that takes it (all but `az version`).
    public var subscription: String?
    /// Passed as `--context` to kubectl; nil uses the kubeconfig's current context.
    public var kubeContext: String?
    /// Per command, in seconds.
    public var commandTimeout: TimeInterval
    public var kubernetesResources: [String]
    /// The environment the tools run with: `PATH` decides which `az`/`kubectl` run, `KUBECONFIG`
    /// which cluster kubectl talks to.
    public var environment: [String: String]

    public init(resourceGroup: String, clusterName: String, subscription: String?,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.resourceGroup = resourceGroup
        self.clusterName = clusterName
        self.subscription = subscription
        self.environment = environment
        self.kubeContext = nil
        self.commandTimeout = 120
        self.kubernetesResources = Collector.standardKubernetesResources
    }

    /// Collects into `bundleDirectory`, which must not exist yet or be empty (a stale file from an
    /// earlier run would otherwise pass for a collected source). `now` becomes `collectedAt`.
    @discardableResult
    public func collect(into bundleDirectory: URL, now: Date) throws -> CollectionInfo {
        try prepare(bundleDirectory)
        var run = CollectionRun(collector: self, bundle: bundleDirectory)
        let cluster = run.collectCluster()
        guard let cluster else {
            try run.writeManifest(collectedAt: now)
            let detail = run.records.first { $0.source == SourceKind.cluster.rawValue }?.error ?? "unknown error"
            throw CollectorError.clusterUnavailable(resourceGroup: resourceGroup, clusterName: clusterName, detail: detail)
        }
        run.collectNodePools()
        run.collectRegistries()
        run.collectKeyVaults()
        run.collectPrivateEndpoints()
        run.collectPrivateDNSZones()
        run.collectDiagnosticSettings(cluster: cluster)
        let serviceAccounts = run.collectKubernetes()
        run.collectRoleAssignments(cluster: cluster, serviceAccounts: serviceAccounts)
        try run.writeManifest(collectedAt: now)
        return run.info(collectedAt: now)
    }

    private func prepare(_ dir: URL) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dir.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw CollectorError.bundleDirectoryUnusable(path: dir.path, reason: "it is a file") }
            let entries = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            guard entries.isEmpty else {
                throw CollectorError.bundleDirectoryUnusable(path: dir.path, reason: "it is not empty (\(entries.count) entries)")
            }
        } else {
            do {
                try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CollectorError.bundleDirectoryUnusable(path: dir.path, reason: "\(error.localizedDescription)")
            }
        }
    }
}

public enum CollectorError: Error, CustomStringConvertible, Sendable, Equatable {
    case bundleDirectoryUnusable(path: String, reason: String)
    /// `az aks show` failed: no usable snapshot. `collected.json` records what was tried.
    case clusterUnavailable(resourceGroup: String, clusterName: String, detail: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .bundleDirectoryUnusable(path, reason):
            "cannot collect into \(path): \(reason)"
        case let .clusterUnavailable(rg, name, detail):
            "az aks show failed for cluster \(name) in resource group \(rg), so there is no usable snapshot: \(detail)"
        case let .cannotWrite(path, reason):
            "cannot write \(path): \(reason)"
        }
    }
}

/// One entry of `collected.json` `sources`.
struct SourceRecord: Encodable, Sendable {
    var source: String
    var file: String
    var state: String
    var command: [String]
    /// Every command run for this source when there was more than one (follow-up look-ups).
    var commands: [[String]]?
    var error: String?
    /// kubectl kinds that failed while the others were collected.
    var kindFailures: [String: String]?
    /// Per-item follow-up failures (a vault, a zone, an endpoint, a principal); the item is kept
    /// without the enrichment.
    var itemFailures: [String: String]?
}

struct CollectedManifest: Encodable {
    var collectedAt: String
    var collector: String
    var tools: [String: String]
    var sources: [SourceRecord]
}

/// The mutable state of one `collect` call.
/// Builds argument vectors; a value so follow-up closures can use it while the run mutates.
struct ArgvBuilder: Sendable {
    var subscription: String?
    var kubeContext: String?

    func az(_ args: String...) -> [String] { azArgs(args) }

    func azArgs(_ args: [String]) -> [String] {
        var argv = ["az"] + args + ["-o", "json"]
        if let s = subscription, !s.isEmpty { argv += ["--subscription", s] }
        return argv
    }
}

struct CollectionRun {
    let collector: Collector
    let bundle: URL
    let runner: CommandRunner
    let argv: ArgvBuilder
    var records: [SourceRecord] = []
    var tools: [String: String] = [:]

    init(collector: Collector, bundle: URL) {
        self.collector = collector
        self.bundle = bundle
        self.runner = CommandRunner(environment: collector.environment, timeout: collector.commandTimeout,
                                    scratchDirectory: bundle)
        self.argv = ArgvBuilder(subscription: collector.subscription, kubeContext: collector.kubeContext)
        readToolVersions()
    }

    // MARK: command helpers

    func az(_ args: String...) -> [String] { argv.azArgs(args) }

    func azArgs(_ args: [String]) -> [String] { argv.azArgs(args) }

    func kubectl(_ args: [String]) -> [String] {
        var out = ["kubectl"]
        if let c = argv.kubeContext, !c.isEmpty { out += ["--context", c] }
        return out + args
    }

    /// Runs a command and returns its parsed JSON output; the output file is removed either way.
    func runJSON(_ argv: [String]) -> Result<Any, CommandFailure> {
        let tmp = bundle.appendingPathComponent(".capture-\(UUID().uuidString).partial")
        defer { try? FileManager.default.removeItem(at: tmp) }
        switch runner.run(argv, stdoutFile: tmp) {
        case .failure(let f): return .failure(f)
        case .success:
            guard let data = try? Data(contentsOf: tmp) else { return .failure(CommandFailure(detail: "cannot read \(argv[0]) output")) }
            return parse(data, tool: argv[0])
        }
    }

    /// Runs a command whose stdout becomes `relativePath` unchanged (after a JSON check), via a
    /// temporary name and a rename.
    func runToFile(_ argv: [String], relativePath: String) -> Result<Any, CommandFailure> {
        let final = bundle.appendingPathComponent(relativePath)
        let tmp = final.deletingLastPathComponent()
            .appendingPathComponent(".\(final.lastPathComponent).\(UUID().uuidString).partial")
        switch runner.run(argv, stdoutFile: tmp) {
        case .failure(let f):
            try? FileManager.default.removeItem(at: tmp)
            return .failure(f)
        case .success:
            guard let data = try? Data(contentsOf: tmp) else {
                try? FileManager.default.removeItem(at: tmp)
                return .failure(CommandFailure(detail: "cannot read \(argv[0]) output"))
            }
            let parsed = parse(data, tool: argv[0])
            guard case .success = parsed else {
                try? FileManager.default.removeItem(at: tmp)
                return parsed
            }
            if rename(tmp.path, final.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: tmp)
                return .failure(CommandFailure(detail: "cannot move output into \(relativePath): \(reason)"))
            }
            return parsed
        }
    }

    /// Runs a kubectl command with its output kept in memory, empties the values the importer
    /// never keeps (`KubernetesScrubber`) and writes the rest, as kubectl printed it, to
    /// `relativePath`: Secret values never reach the disk, not even in a temporary file.
    func runScrubbedToFile(_ argv: [String], relativePath: String, kind: String?) -> Result<JSONBuffer, CommandFailure> {
        let buffer: JSONBuffer
        switch runner.capture(argv) {
        case .failure(let f): return .failure(f)
        case .success(let b): buffer = b
        }
        if Self.isBlank(buffer.bytes) {
            return .failure(CommandFailure(detail: "\(argv[0]) printed nothing"))
        }
        let output: KubernetesScrubber.Output
        do {
            output = try KubernetesScrubber.scrub(buffer, file: relativePath, kind: kind)
        } catch let error as ImportError {
            // The path only: the message may quote the output, which holds Secret values.
            return .failure(CommandFailure(detail: ErrorText.oneLine("\(argv[0]) printed something that is not JSON (at \(error.path))")))
        } catch {
            return .failure(CommandFailure(detail: "\(argv[0]) printed something that is not JSON"))
        }
        do {
            try writeAtomically(relativePath: relativePath) { fd in output.write(to: fd) }
        } catch let e as CollectorError {
            return .failure(CommandFailure(detail: e.description))
        } catch {
            return .failure(CommandFailure(detail: "cannot write \(relativePath)"))
        }
        return .success(buffer)
    }

    func parse(_ data: Data, tool: String) -> Result<Any, CommandFailure> {
        if Self.isBlank(data) {
            return .failure(CommandFailure(detail: "\(tool) printed nothing"))
        }
        do {
            return .success(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
        } catch {
            return .failure(CommandFailure(detail: "\(tool) printed something that is not JSON"))
        }
    }

    /// Serializes `object` into `relativePath` via a temporary name and a rename.
    func writeJSON(_ object: Any, relativePath: String) -> Result<Void, CommandFailure> {
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try writeAtomically(data + Data("\n".utf8), relativePath: relativePath)
            return .success(())
        } catch let e as CollectorError {
            return .failure(CommandFailure(detail: e.description))
        } catch {
            return .failure(CommandFailure(detail: "cannot encode \(relativePath)"))
        }
    }

    /// Writes through `body` (given the descriptor of a new 0600 file) via a temporary name and a rename.
    func writeAtomically(relativePath: String, _ body: (Int32) -> Bool) throws {
        let final = bundle.appendingPathComponent(relativePath)
        let tmp = final.deletingLastPathComponent()
            .appendingPathComponent(".\(final.lastPathComponent).\(UUID().uuidString).partial")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CollectorError.cannotWrite(path: final.path, reason: "cannot create a temporary file") }
        let written = body(fd)
        let reason = String(cString: strerror(errno))
        if close(fd) != 0 || !written {
            try? FileManager.default.removeItem(at: tmp)
            throw CollectorError.cannotWrite(path: final.path, reason: written ? "close failed" : reason)
        }
        if rename(tmp.path, final.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw CollectorError.cannotWrite(path: final.path, reason: reason)
        }
    }

    func writeAtomically(_ data: Data, relativePath: String) throws {
        try writeAtomically(relativePath: relativePath) { fd in
            data.withUnsafeBytes { CollectionRun.writeAll(fd, $0) }
        }
    }

    /// Writes every byte of `bytes` to `fd`; false (with `errno` set) when a write fails.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var base = bytes.baseAddress else { return true }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            base += n
            left -= n
        }
        return true
    }

    static func isBlank(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    mutating func record(_ kind: SourceKind, file: String? = nil, commands: [[String]], failure: String?,
                         state: String? = nil, kindFailures: [String: String] = [:], itemFailures: [String: String] = [:]) {
        records.append(SourceRecord(
            source: kind.rawValue, file: file ?? kind.fileName,
            state: state ?? (failure == nil ? "collected" : "failed"),
            command: commands.first ?? [], commands: commands.count > 1 ? commands : nil, error: failure,
            kindFailures: kindFailures.isEmpty ? nil : kindFailures,
            itemFailures: itemFailures.isEmpty ? nil : itemFailures))
    }

    // MARK: tool versions

    mutating func readToolVersions() {
        // `az version` takes no --subscription.
        if case .success(let json) = runJSON(["az", "version", "-o", "json"]),
           let v = (json as? [String: Any])?["azure-cli"] as? String {
            tools["az"] = v
        }
        if case .success(let json) = runJSON(["kubectl", "version", "--client", "-o", "json"]),
           let client = (json as? [String: Any])?["clientVersion"] as? [String: Any],
           let v = client["gitVersion"] as? String {
            tools["kubectl"] = "Client Version: \(v)"
        }
    }

    // MARK: sources

    mutating func collectCluster() -> [String: Any]? {
        let argv = az("aks", "show", "-g", collector.resourceGroup, "-n", collector.clusterName)
        switch runToFile(argv, relativePath: SourceKind.cluster.fileName) {
        case .failure(let f):
            record(.cluster, commands: [argv], failure: f.detail)
            return nil
        case .success(let json):
            guard let object = json as? [String: Any] else {
                try? FileManager.default.removeItem(at: bundle.appendingPathComponent(SourceKind.cluster.fileName))
                record(.cluster, commands: [argv], failure: "az aks show printed JSON that is not an object")
                return nil
            }
            record(.cluster, commands: [argv], failure: nil)
            return object
        }
    }

    mutating func collectSimple(_ kind: SourceKind, _ argv: [String]) {
        switch runToFile(argv, relativePath: kind.fileName) {
        case .failure(let f): record(kind, commands: [argv], failure: f.detail)
        case .success: record(kind, commands: [argv], failure: nil)
        }
    }

    mutating func collectNodePools() {
        collectSimple(.nodePools, az("aks", "nodepool", "list", "-g", collector.resourceGroup, "--cluster-name", collector.clusterName))
    }

    mutating func collectRegistries() {
        collectSimple(.registries, az("acr", "list"))
    }

    /// `az keyvault list` omits `properties` in some az versions, so each vault is shown too.
    mutating func collectKeyVaults() {
        let listArgv = az("keyvault", "list")
        var commands = [listArgv]
        let listed: [[String: Any]]
        switch runJSON(listArgv) {
        case .failure(let f):
            record(.keyVaults, commands: commands, failure: f.detail)
            return
        case .success(let json):
            listed = (json as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        }
        var vaults: [Any] = []
        var itemFailures: [String: String] = [:]
        for item in listed {
            if let type = JSONLookup.string(item, "type"), type.lowercased() != "microsoft.keyvault/vaults" { continue }
            guard let name = JSONLookup.string(item, "name") else { vaults.append(item); continue }
            var args = ["keyvault", "show", "-n", name]
            if let rg = JSONLookup.string(item, "resourceGroup") { args += ["-g", rg] }
            let argv = azArgs(args)
            commands.append(argv)
            switch runJSON(argv) {
            case .success(let shown as [String: Any]): vaults.append(shown)
            case .success: vaults.append(item); itemFailures[name] = "az keyvault show printed JSON that is not an object"
            case .failure(let f): vaults.append(item); itemFailures[name] = f.detail
            }
        }
        finishMerged(.keyVaults, vaults, commands: commands, itemFailures: itemFailures)
    }

    /// Adds `privateDnsZoneGroups` (from `az network private-endpoint dns-zone-group list`) to each endpoint.
    mutating func collectPrivateEndpoints() {
        let b = argv
        enrichList(.privateEndpoints, listArgv: b.az("network", "private-endpoint", "list"), key: "privateDnsZoneGroups") { item in
            guard let name = JSONLookup.string(item, "name"), let rg = JSONLookup.string(item, "resourceGroup") else { return nil }
            return (name, b.az("network", "private-endpoint", "dns-zone-group", "list", "-g", rg, "--endpoint-name", name))
        }
    }

    /// Adds `virtualNetworkLinks` (from `az network private-dns link vnet list`) to each zone.
    mutating func collectPrivateDNSZones() {
        let b = argv
        enrichList(.privateDNSZones, listArgv: b.az("network", "private-dns", "zone", "list"), key: "virtualNetworkLinks") { item in
            guard let name = JSONLookup.string(item, "name"), let rg = JSONLookup.string(item, "resourceGroup") else { return nil }
            return (name, b.az("network", "private-dns", "link", "vnet", "list", "-g", rg, "-z", name))
        }
    }

    mutating func enrichList(_ kind: SourceKind, listArgv: [String], key: String,
                             followUp: ([String: Any]) -> (String, [String])?) {
        var commands = [listArgv]
        let listed: [Any]
        switch runJSON(listArgv) {
        case .failure(let f):
            record(kind, commands: commands, failure: f.detail)
            return
        case .success(let json):
            listed = JSONLookup.array(json)
        }
        var out: [Any] = []
        var itemFailures: [String: String] = [:]
        for element in listed {
            guard var item = element as? [String: Any], let (name, argv) = followUp(item) else { out.append(element); continue }
            commands.append(argv)
            switch runJSON(argv) {
            case .success(let json): item[key] = JSONLookup.array(json)
            case .failure(let f): itemFailures[name] = f.detail
            }
            out.append(item)
        }
        finishMerged(kind, out, commands: commands, itemFailures: itemFailures)
    }

    mutating func finishMerged(_ kind: SourceKind, _ object: [Any], commands: [[String]], itemFailures: [String: String]) {
        switch writeJSON(object, relativePath: kind.fileName) {
        case .failure(let f): record(kind, commands: commands, failure: f.detail)
        case .success: record(kind, commands: commands, failure: nil, itemFailures: itemFailures)
        }
    }

    mutating func collectDiagnosticSettings(cluster: [String: Any]) {
        guard let id = JSONLookup.string(cluster, "id"), !id.isEmpty else {
            record(.diagnosticSettings, commands: [], failure: "cluster.json has no id to list diagnostic settings for", state: "missing")
            return
        }
        collectSimple(.diagnosticSettings, az("monitor", "diagnostic-settings", "list", "--resource", id))
    }

    /// One `kubectl get <resource> -A -o json` per kind into `kubernetes/<resource>.json`.
    /// Returns the parsed service accounts (for workload-identity client ids), if collected.
    mutating func collectKubernetes() -> [String: Any]? {
        let dirName = "kubernetes"
        let dir = bundle.appendingPathComponent(dirName, isDirectory: true)
        let allCommands = collector.kubernetesResources.map { kubectl(["get", $0, "-A", "-o", "json"]) }
        guard runner.locate("kubectl") != nil else {
            record(.kubernetes, file: dirName + "/", commands: allCommands, failure: "kubectl not found on PATH")
            return nil
        }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            record(.kubernetes, file: dirName + "/", commands: allCommands, failure: "cannot create \(dir.path)")
            return nil
        }
        var kindFailures: [String: String] = [:]
        var serviceAccounts: [String: Any]?
        for (resource, argv) in zip(collector.kubernetesResources, allCommands) {
            switch runScrubbedToFile(argv, relativePath: "\(dirName)/\(resource).json", kind: KubernetesNormalizer.kind(forResource: resource)) {
            case .failure(let f): kindFailures[resource] = f.detail
            case .success(let buffer):
                if resource == "serviceaccounts" {
                    serviceAccounts = (try? JSONSerialization.jsonObject(with: Data(buffer.bytes))) as? [String: Any]
                }
            }
        }
        if !collector.kubernetesResources.isEmpty, kindFailures.count == collector.kubernetesResources.count {
            try? FileManager.default.removeItem(at: dir)
            let first = collector.kubernetesResources.compactMap { kindFailures[$0] }.first ?? "every kind failed"
            record(.kubernetes, file: dirName + "/", commands: allCommands, failure: first, kindFailures: kindFailures)
            return nil
        }
        record(.kubernetes, file: dirName + "/", commands: allCommands, failure: nil, kindFailures: kindFailures)
        return serviceAccounts
    }

    /// Role assignments of the cluster identity, the kubelet identity and every workload-identity
    /// client id annotated on a service account, concatenated and de-duplicated by id.
    mutating func collectRoleAssignments(cluster: [String: Any], serviceAccounts: [String: Any]?) {
        let principals = IdentityPrincipals.find(cluster: cluster, serviceAccounts: serviceAccounts)
        guard !principals.isEmpty else {
            record(.roleAssignments, commands: [], failure: "no identity principal found in cluster.json or on service accounts",
                   state: "missing")
            return
        }
        var commands: [[String]] = []
        var merged: [Any] = []
        var seen = Set<String>()
        var itemFailures: [String: String] = [:]
        for principal in principals {
            let argv = az("role", "assignment", "list", "--all", "--assignee", principal)
            commands.append(argv)
            switch runJSON(argv) {
            case .failure(let f): itemFailures[principal] = f.detail
            case .success(let json):
                for a in JSONLookup.array(json) {
                    if let id = (a as? [String: Any]).flatMap({ JSONLookup.string($0, "id") }) {
                        guard seen.insert(id.lowercased()).inserted else { continue }
                    }
                    merged.append(a)
                }
            }
        }
        if itemFailures.count == principals.count {
            record(.roleAssignments, commands: commands, failure: itemFailures[principals[0]] ?? "every look-up failed")
            return
        }
        finishMerged(.roleAssignments, merged, commands: commands, itemFailures: itemFailures)
    }

    // MARK: manifest

    func writeManifest(collectedAt: Date) throws {
        let manifest = CollectedManifest(collectedAt: Self.timestamp(collectedAt), collector: Collector.version,
                                         tools: tools, sources: records)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(manifest)
        try writeAtomically(data + Data("\n".utf8), relativePath: "collected.json")
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    func info(collectedAt: Date) -> CollectionInfo {
        let statuses: [SourceStatus] = records.compactMap { r in
            guard let kind = SourceKind(rawValue: r.source), let state = SourceStatus.State(rawValue: r.state) else { return nil }
            var detail = r.error
            if detail == nil, let kf = r.kindFailures, !kf.isEmpty {
                detail = "not collected: " + kf.keys.sorted().joined(separator: ", ")
            }
            return SourceStatus(source: kind, state: state, detail: detail)
        }
        return CollectionInfo(collectedAt: collectedAt, collectorVersion: Collector.version, toolVersions: tools, sources: statuses)
    }
}

/// Case-insensitive look-ups into parsed az/kubectl JSON, looking through a `properties` envelope.
enum JSONLookup {
    static func value(_ object: [String: Any], _ key: String) -> Any? {
        let k = key.lowercased()
        if let hit = object.first(where: { $0.key.lowercased() == k }) { return hit.value }
        if let props = object.first(where: { $0.key.lowercased() == "properties" })?.value as? [String: Any] {
            return props.first { $0.key.lowercased() == k }?.value
        }
        return nil
    }

    static func string(_ object: [String: Any], _ key: String) -> String? { value(object, key) as? String }

    static func object(_ object: [String: Any], _ key: String) -> [String: Any]? { value(object, key) as? [String: Any] }

    /// An az list: a bare array, or `{"value": [...]}`.
    static func array(_ json: Any) -> [Any] {
        if let a = json as? [Any] { return a }
        if let o = json as? [String: Any], let a = value(o, "value") as? [Any] { return a }
        return []
    }
}

enum IdentityPrincipals {
    static let workloadIdentityAnnotation = "azure.workload.identity/client-id"

    /// Principals whose role assignments matter, in a stable order without duplicates: the cluster
    /// identity (system- or user-assigned), a service principal's app id, the kubelet identity and
    /// workload-identity client ids.
    static func find(cluster: [String: Any], serviceAccounts: [String: Any]?) -> [String] {
        var out: [String] = []
        func add(_ s: String?) {
            guard let s, !s.isEmpty, s.lowercased() != "msi", !out.contains(where: { $0.lowercased() == s.lowercased() }) else { return }
            out.append(s)
        }
        if let identity = JSONLookup.object(cluster, "identity") {
            add(JSONLookup.string(identity, "principalId"))
            if let uais = JSONLookup.object(identity, "userAssignedIdentities") {
                for key in uais.keys.sorted() {
                    if let uai = uais[key] as? [String: Any] { add(JSONLookup.string(uai, "principalId")) }
                }
            }
        }
        if let sp = JSONLookup.object(cluster, "servicePrincipalProfile") { add(JSONLookup.string(sp, "clientId")) }
        if let profile = JSONLookup.object(cluster, "identityProfile"),
           let kubelet = JSONLookup.object(profile, "kubeletidentity") {
            add(JSONLookup.string(kubelet, "objectId"))
        }
        if let sas = serviceAccounts {
            for item in (JSONLookup.value(sas, "items") as? [Any]) ?? [] {
                guard let sa = item as? [String: Any], let meta = sa["metadata"] as? [String: Any],
                      let annotations = meta["annotations"] as? [String: Any],
                      let clientID = annotations[workloadIdentityAnnotation] as? String else { continue }
                add(clientID.trimmingCharacters(in: .whitespaces))
            }
        }
        return out
    }
}
