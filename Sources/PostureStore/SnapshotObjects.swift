import Crypto
import Foundation
import PostureModel

/// What an object is. The tag is the first byte of the object's stored bytes, so the same content
/// in two lists is two objects, and a snapshot can be reassembled from its objects alone.
enum ObjectTag: UInt8, CaseIterable {
    /// The snapshot without `kubernetes` and with `collectedAt` zeroed (the time lives in the row).
    case azure = 1
    /// `InventoryHeader`: present iff the snapshot has a Kubernetes inventory.
    case inventory = 2
    case namespace = 10, serviceAccount, workload, service, ingress, networkPolicy, role, binding, secret,
         configMap, secretProviderClass
    case report = 40
}

/// One content-addressed object ready to store: `bytes` is the tag byte followed by canonical JSON.
struct EncodedObject {
    let tag: ObjectTag
    let bytes: [UInt8]
    /// SHA-256 of `bytes`.
    let hash: Data
    /// Names the thing the object is a version of (list, kind, namespace, name), so a changed
    /// object can be stored as a delta against the previous snapshot's version.
    let identity: Int64

    init<T: Encodable>(tag: ObjectTag, encoding value: T, identity: String) throws {
        self.tag = tag
        self.bytes = try CanonicalJSON.encode(value, prefix: [tag.rawValue])
        self.hash = Data(SHA256.hash(data: bytes))
        self.identity = Self.identityKey(identity)
    }

    /// A Kubernetes object, written by its hand-written canonical writer while that matches the
    /// model (same bytes as `init(tag:encoding:identity:)`, several times faster).
    init<T: Encodable & DirectCanonical>(tag: ObjectTag, kubernetes value: T, identity: String) throws {
        self.tag = tag
        if DirectCanonicalCheck.isCurrent {
            var writer = CanonicalWriter(prefix: [tag.rawValue])
            value.writeCanonical(&writer)
            self.bytes = writer.out
        } else {
            self.bytes = try CanonicalJSON.encode(value, prefix: [tag.rawValue])
        }
        self.hash = Data(SHA256.hash(data: bytes))
        self.identity = Self.identityKey(identity)
    }

    /// `identity` of every snapshot's Azure object.
    static let azureIdentity = identityKey("azure")

    static func identityKey(_ text: String) -> Int64 {
        let digest = SHA256.hash(data: Data(text.utf8))
        return digest.withUnsafeBytes { raw in
            var value: UInt64 = 0
            for i in 0..<8 { value = value << 8 | UInt64(raw[i]) }
            return Int64(bitPattern: value)
        }
    }
}

/// The Kubernetes inventory's bookkeeping, stored as one small object. Lists are reassembled in a
/// canonical order (kind, namespace, name, hash); `order` records, per list whose original order
/// differs, the original order as runs `[start, length, start, length, …]` of canonical indices,
/// so a snapshot reads back exactly as it was imported. `duplicates` counts extra copies of objects
/// that occurred more than once in one list (by lower-case hex hash).
struct InventoryHeader: Codable, Equatable {
    var collectedKinds: Set<String>
    var otherKindCounts: [String: Int]
    var order: [String: [Int]]
    var duplicates: [String: Int]
}

/// Kubernetes list items the store can order canonically.
protocol StoredKubeObject: Codable, DirectCanonical, DirectDecodable {
    var storeKind: String { get }
    var storeMeta: ObjectMeta { get }
}
extension KubeNamespace: StoredKubeObject { var storeKind: String { "Namespace" }; var storeMeta: ObjectMeta { meta } }
extension ServiceAccount: StoredKubeObject { var storeKind: String { "ServiceAccount" }; var storeMeta: ObjectMeta { meta } }
extension Workload: StoredKubeObject { var storeKind: String { kind }; var storeMeta: ObjectMeta { meta } }
extension KubeService: StoredKubeObject { var storeKind: String { "Service" }; var storeMeta: ObjectMeta { meta } }
extension Ingress: StoredKubeObject { var storeKind: String { "Ingress" }; var storeMeta: ObjectMeta { meta } }
extension NetworkPolicy: StoredKubeObject { var storeKind: String { "NetworkPolicy" }; var storeMeta: ObjectMeta { meta } }
extension RBACRole: StoredKubeObject { var storeKind: String { kind }; var storeMeta: ObjectMeta { meta } }
extension RBACBinding: StoredKubeObject { var storeKind: String { kind }; var storeMeta: ObjectMeta { meta } }
extension SecretMeta: StoredKubeObject { var storeKind: String { "Secret" }; var storeMeta: ObjectMeta { meta } }
extension ConfigMapMeta: StoredKubeObject { var storeKind: String { "ConfigMap" }; var storeMeta: ObjectMeta { meta } }
extension SecretProviderClass: StoredKubeObject { var storeKind: String { "SecretProviderClass" }; var storeMeta: ObjectMeta { meta } }

/// A snapshot cut into objects, ready to store.
struct SplitSnapshot {
    var collectedAt: Date
    /// In a deterministic order; may contain the same hash more than once.
    var objects: [EncodedObject]
}

enum SnapshotObjects {
    static let zeroDate = Date(timeIntervalSinceReferenceDate: 0)

    static func split(_ snapshot: Snapshot) throws -> SplitSnapshot {
        var azurePart = snapshot
        azurePart.kubernetes = nil
        azurePart.collection.collectedAt = zeroDate
        var objects = [try EncodedObject(tag: .azure, encoding: azurePart, identity: "azure")]

        if let inventory = snapshot.kubernetes {
            var header = InventoryHeader(collectedKinds: inventory.collectedKinds, otherKindCounts: inventory.otherKindCounts,
                                         order: [:], duplicates: [:])
            var items: [EncodedObject] = []
            func add<T: StoredKubeObject>(_ list: [T], _ tag: ObjectTag) throws {
                let encoded = try list.map { item -> EncodedObject in
                    let meta = item.storeMeta
                    return try EncodedObject(tag: tag, kubernetes: item,
                                             identity: "\(tag.rawValue)\u{0}\(item.storeKind)\u{0}\(meta.namespace ?? "\u{1}")\u{0}\(meta.name)")
                }
                let keys = zip(list, encoded).map { sortKey($0.0, hash: $0.1.hash) }
                let canonical = keys.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }
                var canonicalIndex = [Int](repeating: 0, count: list.count)
                for (position, original) in canonical.enumerated() { canonicalIndex[original] = position }
                let runs = orderRuns(canonicalIndex)
                if !(runs.isEmpty || runs == [0, list.count]) { header.order[String(tag.rawValue)] = runs }
                var seen: [Data: Int] = [:]
                for object in encoded { seen[object.hash, default: 0] += 1 }
                for (hash, count) in seen where count > 1 { header.duplicates[hex(hash)] = count - 1 }
                items.append(contentsOf: encoded)
            }
            try add(inventory.namespaces, .namespace)
            try add(inventory.serviceAccounts, .serviceAccount)
            try add(inventory.workloads, .workload)
            try add(inventory.services, .service)
            try add(inventory.ingresses, .ingress)
            try add(inventory.networkPolicies, .networkPolicy)
            try add(inventory.roles, .role)
            try add(inventory.bindings, .binding)
            try add(inventory.secrets, .secret)
            try add(inventory.configMaps, .configMap)
            try add(inventory.secretProviderClasses, .secretProviderClass)
            objects.append(try EncodedObject(tag: .inventory, encoding: header, identity: "inventory"))
            objects.append(contentsOf: items)
        }
        return SplitSnapshot(collectedAt: snapshot.collection.collectedAt, objects: objects)
    }

    static func encodeReport(_ report: ScoreReport) throws -> EncodedObject {
        try EncodedObject(tag: .report, encoding: report, identity: "report")
    }

    static func decodeReport(_ bytes: [UInt8]) throws -> ScoreReport {
        guard bytes.first == ObjectTag.report.rawValue else { throw DamagedData(what: "object is not a score report") }
        return try JSONDecoder().decode(ScoreReport.self, from: Data(bytes[1...]))
    }

    /// The snapshot without its inventory, from the full bytes of its Azure object.
    static func decodeAzure(_ bytes: [UInt8], collectedAt: Date) throws -> Snapshot {
        guard bytes.first == ObjectTag.azure.rawValue else { throw DamagedData(what: "object is not a cluster object") }
        var snapshot = try JSONDecoder().decode(Snapshot.self, from: Data(bytes[1...]))
        snapshot.collection.collectedAt = collectedAt
        return snapshot
    }

    /// Reassemble a snapshot from its distinct objects (full bytes with their hashes).
    static func assemble(collectedAt: Date, objects: [(hash: Data, bytes: [UInt8])]) throws -> Snapshot {
        var byTag: [ObjectTag: [(hash: Data, bytes: [UInt8])]] = [:]
        for object in objects {
            guard let first = object.bytes.first, let tag = ObjectTag(rawValue: first), tag != .report else {
                throw DamagedData(what: "unexpected object kind \(object.bytes.first.map(String.init) ?? "empty") in a snapshot")
            }
            byTag[tag, default: []].append(object)
        }
        guard let azure = byTag[.azure], azure.count == 1 else {
            throw DamagedData(what: "snapshot has \(byTag[.azure]?.count ?? 0) cluster objects, expected 1")
        }
        let decoder = JSONDecoder()
        var snapshot = try decodeAzure(azure[0].bytes, collectedAt: collectedAt)
        guard let headers = byTag[.inventory] else {
            guard byTag.keys.allSatisfy({ $0 == .azure }) else { throw DamagedData(what: "Kubernetes objects without an inventory header") }
            return snapshot
        }
        guard headers.count == 1 else { throw DamagedData(what: "snapshot has \(headers.count) inventory headers") }
        let header = try decoder.decode(InventoryHeader.self, from: Data(headers[0].bytes[1...]))

        func list<T: StoredKubeObject>(_ tag: ObjectTag, _ type: T.Type) throws -> [T] {
            guard let stored = byTag[tag], !stored.isEmpty else { return [] }
            let values = try decodeKubeList(stored, as: T.self)
            var keyed = zip(values, stored).map { (key: sortKey($0.0, hash: $0.1.hash), value: $0.0, hash: $0.1.hash) }
            keyed.sort { $0.key.lexicographicallyPrecedes($1.key) }
            var canonical: [T] = []
            canonical.reserveCapacity(keyed.count)
            for item in keyed {
                let copies = 1 + (header.duplicates[hex(item.hash)] ?? 0)
                for _ in 0..<copies { canonical.append(item.value) }
            }
            guard let runs = header.order[String(tag.rawValue)] else { return canonical }
            guard runs.count % 2 == 0 else { throw DamagedData(what: "odd order runs for list \(tag)") }
            var ordered: [T] = []
            ordered.reserveCapacity(canonical.count)
            for i in stride(from: 0, to: runs.count, by: 2) {
                let start = runs[i], length = runs[i + 1]
                guard start >= 0, length >= 0, start + length <= canonical.count else { throw DamagedData(what: "order run out of range for list \(tag)") }
                ordered.append(contentsOf: canonical[start..<(start + length)])
            }
            guard ordered.count == canonical.count else { throw DamagedData(what: "order runs do not cover list \(tag)") }
            return ordered
        }

        var inventory = KubernetesInventory()
        inventory.collectedKinds = header.collectedKinds
        inventory.otherKindCounts = header.otherKindCounts
        inventory.namespaces = try list(.namespace, KubeNamespace.self)
        inventory.serviceAccounts = try list(.serviceAccount, ServiceAccount.self)
        inventory.workloads = try list(.workload, Workload.self)
        inventory.services = try list(.service, KubeService.self)
        inventory.ingresses = try list(.ingress, Ingress.self)
        inventory.networkPolicies = try list(.networkPolicy, NetworkPolicy.self)
        inventory.roles = try list(.role, RBACRole.self)
        inventory.bindings = try list(.binding, RBACBinding.self)
        inventory.secrets = try list(.secret, SecretMeta.self)
        inventory.configMaps = try list(.configMap, ConfigMapMeta.self)
        inventory.secretProviderClasses = try list(.secretProviderClass, SecretProviderClass.self)
        snapshot.kubernetes = inventory
        return snapshot
    }

    /// Stored Kubernetes objects of one kind, in `stored` order: read directly while the
    /// hand-written readers match the model, else (or when any object is not what they expect)
    /// with one `JSONDecoder` call over a JSON array of the objects.
    static func decodeKubeList<T: StoredKubeObject>(_ stored: [(hash: Data, bytes: [UInt8])], as type: T.Type) throws -> [T] {
        if DirectCanonicalCheck.isCurrent, let values = try? decodeDirect(stored, as: T.self) { return values }
        var array: [UInt8] = [UInt8(ascii: "[")]
        for (i, object) in stored.enumerated() {
            if i > 0 { array.append(UInt8(ascii: ",")) }
            array.append(contentsOf: object.bytes[1...])
        }
        array.append(UInt8(ascii: "]"))
        return try JSONDecoder().decode([T].self, from: Data(array))
    }

    static func decodeDirect<T: DirectDecodable>(_ stored: [(hash: Data, bytes: [UInt8])], as type: T.Type) throws -> [T] {
        var values: [T] = []
        values.reserveCapacity(stored.count)
        for object in stored {
            var reader = CanonicalReader(object.bytes, from: 1)
            values.append(try T(canonical: &reader))
            guard reader.isAtEnd else { throw CanonicalReadError() }
        }
        return values
    }

    /// Canonical position of a list item: kind, namespace, name, then the content hash so the
    /// order is total and depends on content only.
    static func sortKey<T: StoredKubeObject>(_ item: T, hash: Data) -> [UInt8] {
        let meta = item.storeMeta
        var key: [UInt8] = []
        key.append(contentsOf: item.storeKind.utf8); key.append(0)
        key.append(contentsOf: (meta.namespace ?? "").utf8); key.append(0)
        key.append(contentsOf: meta.name.utf8); key.append(0)
        key.append(contentsOf: hash)
        return key
    }

    /// `sequence[i]` is the canonical index of the i-th original item; runs of consecutive indices.
    static func orderRuns(_ sequence: [Int]) -> [Int] {
        var runs: [Int] = []
        var i = 0
        while i < sequence.count {
            var j = i + 1
            while j < sequence.count && sequence[j] == sequence[j - 1] + 1 { j += 1 }
            runs.append(sequence[i]); runs.append(j - i)
            i = j
        }
        return runs
    }

    static func hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(data.count * 2)
        for byte in data { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
