import Foundation

/// Typed, case-insensitive field access over a JSON object, tolerant of the shapes Azure and
/// kubectl print and strict about types we rely on.
///
/// `primary` is read first, then `secondary`: for an ARM resource `primary` is `properties` and
/// `secondary` the resource itself, so the REST shape (settings under `properties`) and the az shape
/// (flattened) read the same. `null` counts as absent. A present value of a type we cannot use
/// (`enableRBAC: [1]`) is an `ImportError` naming its JSON path.
struct Fields {
    let primary: JSONNode
    let secondary: JSONNode?

    /// A plain object.
    init(object node: JSONNode, what: String = "an object") throws {
        guard node.isObject else { throw Fields.typeError(node, expected: what) }
        primary = node
        secondary = nil
    }

    /// An ARM resource or sub-resource: reads `properties` first, then the top level.
    init(resource node: JSONNode, what: String = "an object") throws {
        guard node.isObject else { throw Fields.typeError(node, expected: what) }
        if let p = node["properties"], !p.isNull {
            guard p.isObject else { throw Fields.typeError(p, expected: "an object") }
            primary = p
            secondary = node
        } else {
            primary = node
            secondary = nil
        }
    }

    var file: String { primary.document.file }
    /// Path of the object itself (the resource, not its `properties`).
    var path: String { (secondary ?? primary).path }

    static func typeError(_ node: JSONNode, expected: String) -> ImportError {
        ImportError(file: node.document.file, path: node.path, message: "expected \(expected), found \(node.kindDescription)")
    }

    /// The member, or nil when absent or null.
    func value(_ key: String) -> JSONNode? {
        if let v = primary[key], !v.isNull { return v }
        if let s = secondary, let v = s[key], !v.isNull { return v }
        return nil
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        return try Fields.string(v)
    }

    func requiredString(_ key: String) throws -> String {
        guard let s = try string(key), !s.isEmpty else {
            throw ImportError(file: file, path: path + JSONPath.keyComponent(key), message: "missing required field '\(key)'")
        }
        return s
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        return try Fields.bool(v)
    }

    func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        return try Fields.int(v)
    }

    func object(_ key: String) throws -> Fields? {
        guard let v = value(key) else { return nil }
        return try Fields(object: v)
    }

    /// A nested object that may itself wrap its settings in `properties`.
    func resource(_ key: String) throws -> Fields? {
        guard let v = value(key) else { return nil }
        return try Fields(resource: v)
    }

    /// A list: a JSON array, a `{"value": [...]}` page, or a single object where a list is expected.
    func list(_ key: String) throws -> [JSONNode]? {
        guard let v = value(key) else { return nil }
        return try Fields.list(v)
    }

    /// Number of entries of a list field; nil when absent.
    func count(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        if v.isArray { return v.count }
        if v.isObject {
            if let inner = v["value"], inner.isArray { return inner.count }
            return 1
        }
        throw Fields.typeError(v, expected: "an array")
    }

    /// An array of strings (a single string counts as a one-element list).
    func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        if v.kind == .string { return [v.stringValue ?? ""] }
        guard v.isArray else { throw Fields.typeError(v, expected: "an array of strings") }
        var out: [String] = []
        out.reserveCapacity(v.count)
        for e in v.elements where !e.isNull { out.append(try Fields.string(e)) }
        return out
    }

    /// An object of scalar values, coerced to strings (`true` → `"true"`, `2` → `"2"`).
    func stringMap(_ key: String) throws -> [String: String]? {
        guard let v = value(key) else { return nil }
        return try Fields.stringMap(v)
    }

    // MARK: - Conversions of single nodes

    static func string(_ v: JSONNode) throws -> String {
        switch v.kind {
        case .string: return v.stringValue ?? ""
        case .number: return v.numberText ?? ""
        case .bool: return v.boolValue == true ? "true" : "false"
        default: throw typeError(v, expected: "a string")
        }
    }

    static func bool(_ v: JSONNode) throws -> Bool? {
        switch v.kind {
        case .null: return nil
        case .bool: return v.boolValue
        case .string:
            switch (v.stringValue ?? "").lowercased() {
            case "true": return true
            case "false": return false
            case "": return nil
            default: throw typeError(v, expected: "a boolean")
            }
        default: throw typeError(v, expected: "a boolean")
        }
    }

    static func int(_ v: JSONNode) throws -> Int? {
        switch v.kind {
        case .null: return nil
        case .number:
            guard let i = v.intValue else {
                throw ImportError(file: v.document.file, path: v.path, message: "expected an integer, found \(v.numberText ?? "a number")")
            }
            return i
        case .string:
            let s = v.stringValue ?? ""
            if s.isEmpty { return nil }
            guard let i = Int(s) else { throw typeError(v, expected: "an integer") }
            return i
        default: throw typeError(v, expected: "an integer")
        }
    }

    static func list(_ v: JSONNode) throws -> [JSONNode] {
        switch v.kind {
        case .null: return []
        case .array: return v.elements.filter { !$0.isNull }
        case .object:
            if let inner = v["value"], inner.isArray { return inner.elements.filter { !$0.isNull } }
            return [v]
        default: throw typeError(v, expected: "an array")
        }
    }

    static func stringMap(_ v: JSONNode) throws -> [String: String] {
        guard v.isObject else { throw typeError(v, expected: "an object") }
        var out: [String: String] = [:]
        out.reserveCapacity(v.count)
        try v.forEachMember { k, value in
            let key = k.stringValue ?? ""
            switch value.kind {
            case .null: out[key] = ""
            case .string, .number, .bool: out[key] = try string(value)
            default: throw typeError(value, expected: "a string")
            }
        }
        return out
    }
}

extension JSONNode {
    /// Elements of a list document: a JSON array, a `{"value": [...]}` page, or a single object.
    func listDocumentElements(what: String) throws -> [JSONNode] {
        switch kind {
        case .array: return elements.filter { !$0.isNull }
        case .object:
            if let inner = self["value"], inner.isArray, self["name"] == nil { return inner.elements.filter { !$0.isNull } }
            return [self]
        default:
            throw ImportError(file: document.file, path: path, message: "expected \(what) (an array, a {\"value\": [...]} list or one object), found \(kindDescription)")
        }
    }
}

enum ARMID {
    /// A segment of an ARM resource id after `/<name>/` (case-insensitive), e.g. `resourceGroups`.
    static func segment(_ id: String?, after name: String) -> String? {
        guard let id else { return nil }
        let parts = id.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2 else { return nil }
        let lower = name.lowercased()
        for i in 0..<parts.count - 1 where parts[i].lowercased() == lower {
            let value = String(parts[i + 1])
            return value.isEmpty ? nil : value
        }
        return nil
    }
    static func resourceGroup(_ id: String?) -> String? { segment(id, after: "resourceGroups") }
    static func subscription(_ id: String?) -> String? { segment(id, after: "subscriptions") }
}
