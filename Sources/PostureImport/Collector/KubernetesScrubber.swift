import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes values from `kubectl get … -o json` output before `aksposture collect` writes it into
/// a bundle, so the bundle (kept with `--keep-bundles`, or left by a crash) never holds what the
/// importer would drop anyway:
///
/// - Secret `data` and `stringData` values (the key names stay);
/// - ConfigMap `data` and `binaryData` values;
/// - literal `env` values of every container, init container and ephemeral container, at any
///   depth (pods, workload templates, cron job templates), and the `args`/`command` elements
///   that carry a credential (`--db-password=…`; other arguments stay);
/// - the value of the `kubectl.kubernetes.io/last-applied-configuration` annotation, which
///   repeats the whole object as applied (a Secret's data included).
///
/// The importer flags a ConfigMap value or an env literal that looks like a credential. So that
/// the finding survives, such a value becomes `CredentialHeuristics.redactedCredential` (which
/// the importer counts as credential-like) and every other value becomes "". Importing the
/// scrubbed output gives the same inventory as importing what kubectl printed.
///
/// Works on the bytes: the output is parsed by the importer's reader (item by item) to find the
/// string tokens to empty, and everything else is copied as kubectl printed it.
public enum KubernetesScrubber {
    /// What was removed, for tests and the collector's log.
    public struct Removed: Sendable, Equatable {
        public var secretValues = 0
        public var configMapValues = 0
        public var envValues = 0
        public var lastAppliedAnnotations = 0
        /// Container `args`/`command` elements that carried a credential.
        public var argumentValues = 0
        public init() {}
        public var total: Int { secretValues + configMapValues + envValues + lastAppliedAnnotations + argumentValues }
    }

    /// The scrubbed output: the original bytes with some string tokens' contents replaced.
    public struct Output {
        public let original: JSONBuffer
        /// Sorted, non-overlapping byte ranges of string contents (without quotes) and their new text.
        let replacements: [(range: Range<Int>, text: String)]
        public let removed: Removed

        /// Calls `body` with the output's pieces in order.
        func forEachPiece(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
            var position = 0
            let bytes = original.bytes
            for (range, text) in replacements {
                if range.lowerBound > position { try body(UnsafeRawBufferPointer(rebasing: bytes[position..<range.lowerBound])) }
                var text = text
                try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
                position = range.upperBound
            }
            if position < bytes.count { try body(UnsafeRawBufferPointer(rebasing: bytes[position...])) }
        }

        public var bytes: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(original.count)
            forEachPiece { out.append(contentsOf: $0) }
            return out
        }

        /// Writes the output to `fd`; false (with `errno` set) when a write fails.
        func write(to fd: Int32) -> Bool {
            var ok = true
            forEachPiece { piece in if ok { ok = CollectionRun.writeAll(fd, piece) } }
            return ok
        }
    }

    /// Scrubs one `kubectl get -o json` document; `kind` is the kind of a list's items when they
    /// do not carry their own. Invalid JSON throws the importer's `ImportError`.
    public static func scrub(_ buffer: JSONBuffer, file: String, kind: String?) throws -> Output {
        var scrubber = Scrubber()
        var sawItems = false
        let isObject = try JSONReader.streamObject(buffer, file: file) { event in
            switch event {
            case .member(let key, _): if key.lowercased() == "items" { sawItems = true }
            case .item(_, let value): sawItems = true; scrubber.item(value, defaultKind: kind)
            }
        }
        if !isObject || !sawItems {
            // One object (`kubectl get secret NAME -o json`) or something else: scrubbed whole.
            let document = try JSONReader.parse(buffer, file: file)
            if document.root.isArray {
                for element in document.root.elements { scrubber.item(element, defaultKind: kind) }
            } else {
                scrubber.item(document.root, defaultKind: kind)
            }
        }
        scrubber.replacements.sort { $0.range.lowerBound < $1.range.lowerBound }
        return Output(original: buffer, replacements: scrubber.replacements, removed: scrubber.removed)
    }

    /// Mirrors what `KubernetesNormalizer` reads (case-insensitive member names, string values).
    private struct Scrubber {
        var replacements: [(range: Range<Int>, text: String)] = []
        var removed = Removed()

        mutating func replace(_ string: JSONNode, with text: String) {
            guard string.kind == .string else { return }
            let n = string.node
            let start = string.document.baseOffset + Int(n.a)
            replacements.append((start..<(start + Int(n.b - n.a)), text))
        }

        mutating func item(_ item: JSONNode, defaultKind: String?) {
            guard item.isObject else { return }
            let kind = item["kind"]?.stringValue ?? defaultKind
            // Every occurrence of a repeated key is emptied, not only the one the importer reads.
            for metadata in Self.members(of: item, named: "metadata") {
                for annotations in Self.members(of: metadata, named: "annotations") {
                    annotations.forEachMember { key, value in
                        guard key.stringValue == KubernetesNormalizer.lastAppliedAnnotation, value.kind == .string else { return }
                        removed.lastAppliedAnnotations += 1
                        replace(value, with: "")
                    }
                }
            }
            switch kind {
            case "Secret":
                item.forEachMember { key, values in
                    guard let name = key.stringValue?.lowercased(), name == "data" || name == "stringdata" else { return }
                    values.forEachMember { _, value in
                        guard value.kind == .string else { return }
                        removed.secretValues += 1
                        replace(value, with: "")
                    }
                }
            case "ConfigMap":
                // The importer flags keys of the `data`/`binaryData` it reads (the last of repeats).
                let readData = item["data"]?.index, readBinary = item["binaryData"]?.index
                item.forEachMember { key, values in
                    switch key.stringValue?.lowercased() {
                    case "data":
                        values.forEachMember { k, value in
                            guard let text = value.stringValue else { return }
                            removed.configMapValues += 1
                            let flagged = values.index == readData && CredentialHeuristics.isCredentialLike(name: k.stringValue ?? "", value: text)
                            replace(value, with: flagged ? CredentialHeuristics.redactedCredential : "")
                        }
                    case "binarydata":
                        values.forEachMember { k, value in
                            guard let text = value.stringValue else { return }
                            removed.configMapValues += 1
                            let flagged = values.index == readBinary && text != ""
                                && CredentialHeuristics.nameLooksLikeCredential(k.stringValue ?? "")
                            replace(value, with: flagged ? CredentialHeuristics.redactedCredential : "")
                        }
                    default:
                        break
                    }
                }
            default:
                containers(in: item)
            }
        }

        static let containerLists: Set<String> = ["containers", "initcontainers", "ephemeralcontainers"]

        /// Pod specs sit at different depths in pods, workload templates and cron jobs. The
        /// reader caps nesting at 1,000, so the recursion is bounded.
        mutating func containers(in node: JSONNode) {
            if node.isArray {
                for element in node.elements { containers(in: element) }
                return
            }
            node.forEachMember { key, value in
                if value.isArray, let name = key.stringValue?.lowercased(), Self.containerLists.contains(name) {
                    for container in value.elements {
                        env(of: container)
                        arguments(of: container)
                    }
                } else if value.isObject || value.isArray {
                    containers(in: value)
                }
            }
        }

        mutating func env(of container: JSONNode) {
            guard container.isObject else { return }
            let readList = container["env"]?.index
            for list in Self.members(of: container, named: "env") where list.isArray {
                for variable in list.elements where variable.isObject {
                    // The literal the importer inspects: the last `value`, unless a `valueFrom` is set.
                    let fromReference = variable["valueFrom"]?.isObject ?? false
                    let readValue = fromReference || list.index != readList ? nil : variable["value"]?.index
                    let name = variable["name"]?.stringValue ?? ""
                    for value in Self.members(of: variable, named: "value") {
                        guard let text = value.stringValue else { continue }
                        removed.envValues += 1
                        let flagged = value.index == readValue && CredentialHeuristics.isCredentialLike(name: name, value: text)
                        replace(value, with: flagged ? CredentialHeuristics.redactedCredential : "")
                    }
                }
            }
        }

        /// `args`/`command` elements that carry a credential (`--db-password=…`, a connection
        /// string): the importer reads neither, so only these are emptied, keeping the flag name
        /// (`--db-password=<marker>`) so the bundle still shows what was there.
        mutating func arguments(of container: JSONNode) {
            guard container.isObject else { return }
            container.forEachMember { key, list in
                guard let name = key.stringValue?.lowercased(), name == "args" || name == "command", list.isArray else { return }
                for element in list.elements {
                    guard let text = element.stringValue, let redacted = Self.redactedArgument(text) else { continue }
                    removed.argumentValues += 1
                    replace(element, with: redacted)
                }
            }
        }

        /// The replacement for an argument that carries a credential, or nil to keep it.
        static func redactedArgument(_ text: String) -> String? {
            if let equals = text.firstIndex(where: { $0 == "=" || $0 == ":" }) {
                let flag = text[..<equals]
                let name = flag.drop { $0 == "-" }
                let plainName = !name.isEmpty && name.unicodeScalars.allSatisfy {
                    ($0.value < 0x80 && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" || $0 == "."
                }
                if plainName, CredentialHeuristics.isCredentialLike(name: String(name), value: String(text[text.index(after: equals)...])) {
                    return String(flag) + String(text[equals]) + CredentialHeuristics.redactedCredential
                }
            }
            return CredentialHeuristics.valueLooksLikeCredential(text) ? CredentialHeuristics.redactedCredential : nil
        }

        /// Every value of `object` under `name` (ASCII case-insensitive), repeats included.
        static func members(of object: JSONNode, named name: String) -> [JSONNode] {
            var found: [JSONNode] = []
            object.forEachMember { key, value in
                if key.stringValue?.lowercased() == name { found.append(value) }
            }
            return found
        }
    }
}
