import Foundation
import PostureModel

/// Imports single bundle documents. Every function accepts the REST/ARM shape and the shape
/// `az … -o json` prints; list documents may be arrays, `{"value": [...]}` pages or one object.
/// Errors are `ImportError`s naming `file` and the JSON path.
public enum DocumentImporter {
    public static func cluster(from data: Data, file: String) throws -> ManagedCluster {
        try cluster(from: JSONBuffer(copying: data), file: file)
    }

    public static func nodePools(from data: Data, file: String) throws -> [NodePool] {
        try nodePools(from: JSONBuffer(copying: data), file: file)
    }

    public static func registries(from data: Data, file: String) throws -> [ContainerRegistry] {
        try registries(from: JSONBuffer(copying: data), file: file)
    }

    public static func keyVaults(from data: Data, file: String) throws -> [KeyVault] {
        try keyVaults(from: JSONBuffer(copying: data), file: file)
    }

    public static func privateEndpoints(from data: Data, file: String) throws -> [PrivateEndpoint] {
        try privateEndpoints(from: JSONBuffer(copying: data), file: file)
    }

    public static func privateDNSZones(from data: Data, file: String) throws -> [PrivateDNSZone] {
        try privateDNSZones(from: JSONBuffer(copying: data), file: file)
    }

    public static func roleAssignments(from data: Data, file: String) throws -> [RoleAssignment] {
        try roleAssignments(from: JSONBuffer(copying: data), file: file)
    }

    public static func diagnosticSettings(from data: Data, file: String) throws -> [DiagnosticSetting] {
        try diagnosticSettings(from: JSONBuffer(copying: data), file: file)
    }

    /// Adds the objects of a `kubectl get … -o json` document (a `List`, a typed list such as
    /// `ServiceList`, a bare array or one object) to `inventory`. The items of a top-level list are
    /// parsed and normalized one at a time, so a large file is never held as one tree.
    ///
    /// `collectedKinds` gains every kind seen, plus, by file name: the kind of `kubernetes/<resource>.json`
    /// (even when its list is empty), or all standard kinds of the documented command for `kubernetes.json`.
    public static func kubernetes(from data: Data, file: String, into inventory: inout KubernetesInventory) throws {
        try kubernetes(from: JSONBuffer(copying: data), file: file, into: &inventory)
    }

    // MARK: - Buffer-based variants (the bundle loader reads files straight into a buffer)

    public static func cluster(from buffer: JSONBuffer, file: String) throws -> ManagedCluster {
        let doc = try JSONReader.parse(buffer, file: file)
        return try AzureNormalizer.cluster(doc.root)
    }

    public static func nodePools(from buffer: JSONBuffer, file: String) throws -> [NodePool] {
        try list(buffer, file: file, what: "node pools", AzureNormalizer.nodePool)
    }

    public static func registries(from buffer: JSONBuffer, file: String) throws -> [ContainerRegistry] {
        try list(buffer, file: file, what: "container registries", AzureNormalizer.registry)
    }

    public static func keyVaults(from buffer: JSONBuffer, file: String) throws -> [KeyVault] {
        try list(buffer, file: file, what: "key vaults", AzureNormalizer.keyVault)
    }

    public static func privateEndpoints(from buffer: JSONBuffer, file: String) throws -> [PrivateEndpoint] {
        try list(buffer, file: file, what: "private endpoints", AzureNormalizer.privateEndpoint)
    }

    public static func privateDNSZones(from buffer: JSONBuffer, file: String) throws -> [PrivateDNSZone] {
        try list(buffer, file: file, what: "private DNS zones", AzureNormalizer.privateDNSZone)
    }

    public static func roleAssignments(from buffer: JSONBuffer, file: String) throws -> [RoleAssignment] {
        try list(buffer, file: file, what: "role assignments", AzureNormalizer.roleAssignment)
    }

    public static func diagnosticSettings(from buffer: JSONBuffer, file: String) throws -> [DiagnosticSetting] {
        try list(buffer, file: file, what: "diagnostic settings", AzureNormalizer.diagnosticSetting)
    }

    private static func list<T>(_ buffer: JSONBuffer, file: String, what: String, _ normalize: (JSONNode) throws -> T) throws -> [T] {
        let doc = try JSONReader.parse(buffer, file: file)
        return try doc.root.listDocumentElements(what: what).map(normalize)
    }

    public static func kubernetes(from buffer: JSONBuffer, file: String, into inventory: inout KubernetesInventory) throws {
        try kubernetes(file: file, into: &inventory,
                       stream: { try JSONReader.streamObject(buffer, file: file, $0) },
                       whole: { buffer })
    }

    /// The same, streaming the file through a window: a List is never in memory as a whole
    /// (peak memory is the window, one item, and the inventory), and a List of any size is read.
    /// A document that is not an object with `items` (one object, a bare array) is read whole.
    public static func kubernetes(from file: JSONFile, into inventory: inout KubernetesInventory) throws {
        try kubernetes(file: file.displayName, into: &inventory,
                       stream: { try JSONReader.streamObject(file, $0) },
                       whole: { try file.readWhole() })
    }

    /// The streaming import with a chosen window capacity: the fuzz harness compares every input
    /// read through windows of a few bytes (which slide inside every token) with the whole-buffer
    /// import, since real files only slide at 4 MiB.
    @_spi(Fuzzing)
    public static func kubernetes(from file: JSONFile, windowCapacity: Int, into inventory: inout KubernetesInventory) throws {
        try kubernetes(file: file.displayName, into: &inventory,
                       stream: { try JSONReader.streamObject(file, windowCapacity: windowCapacity,
                                                             maxValueSpan: JSONReader.maxValueSpan, $0) },
                       whole: { try file.readWhole() })
    }

    private static func kubernetes(file: String, into inventory: inout KubernetesInventory,
                                   stream: ((JSONReader.StreamEvent) throws -> Void) throws -> Bool,
                                   whole: () throws -> JSONBuffer) throws {
        let url = URL(fileURLWithPath: file)
        let fileName = url.lastPathComponent
        var fileKind: String?
        if fileName.lowercased() == "kubernetes.json" {
            inventory.collectedKinds.formUnion(KubernetesNormalizer.standardKinds)
        } else if url.deletingLastPathComponent().lastPathComponent == "kubernetes", fileName.lowercased().hasSuffix(".json") {
            fileKind = KubernetesNormalizer.kind(forResource: String(fileName.dropLast(5)))
            if let fileKind { inventory.collectedKinds.insert(fileKind) }
        }

        var listKind: String?
        var sawItems = false
        // Items without `kind` whose list kind comes after them (kubectl sorts keys: items before kind).
        var kindless: [JSONNode] = []
        let wasObject = try stream { event in
            switch event {
            case .member(let key, let value):
                if key.lowercased() == "kind" {
                    listKind = value.stringValue
                } else if key.lowercased() == "items" {
                    sawItems = true
                    if !value.isNull && !value.isArray { throw Fields.typeError(value, expected: "an array") }
                }
            case .item(_, let value):
                sawItems = true
                let hasKind = value.isObject && (value["kind"].map { !$0.isNull } ?? false)
                // A non-object item is rejected by `add` at once instead of being buffered with the
                // kindless items: a list of a million scalars cost ~1 s of CPU and a node per element.
                if hasKind || !value.isObject {
                    try KubernetesNormalizer.add(value, defaultKind: nil, into: &inventory)
                } else if let kind = fileKind ?? itemKind(ofList: listKind) {
                    try KubernetesNormalizer.add(value, defaultKind: kind, into: &inventory)
                } else {
                    kindless.append(value)
                }
            }
        }
        if wasObject {
            if sawItems {
                for item in kindless {
                    try KubernetesNormalizer.add(item, defaultKind: itemKind(ofList: listKind), into: &inventory)
                }
                return
            }
            // One object, not a list: read it whole.
            let doc = try JSONReader.parse(whole(), file: file)
            try KubernetesNormalizer.add(doc.root, defaultKind: fileKind, into: &inventory)
            return
        }
        let doc = try JSONReader.parse(whole(), file: file)
        guard doc.root.isArray else {
            throw ImportError(file: file, path: "$", message: "expected a Kubernetes List, object or array, found \(doc.root.kindDescription)")
        }
        for item in doc.root.elements where !item.isNull {
            try KubernetesNormalizer.add(item, defaultKind: fileKind, into: &inventory)
        }
    }

    /// `ServiceList` → `Service`; nil for the generic `List`.
    private static func itemKind(ofList kind: String?) -> String? {
        guard let kind, kind.hasSuffix("List"), kind.count > 4 else { return nil }
        return String(kind.dropLast(4))
    }
}
