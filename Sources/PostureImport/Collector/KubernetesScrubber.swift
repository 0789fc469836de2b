import Foundation

/// Removes values from parsed `kubectl get … -o json` output before `aksposture collect` writes
/// it into a bundle, so the bundle (kept with `--keep-bundles`, or left by a crash) never holds
/// what the importer would drop anyway:
///
/// - Secret `data` and `stringData` values (the key names stay);
/// - ConfigMap `data` and `binaryData` values;
/// - literal `env` values of every container, init container and ephemeral container, at any
///   depth (pods, workload templates, cron job templates);
/// - the `kubectl.kubernetes.io/last-applied-configuration` annotation, which repeats the whole
///   object as applied (a Secret's data included).
///
/// The importer flags a ConfigMap value or an env literal that looks like a credential. So that
/// the finding survives, such a value becomes `CredentialHeuristics.redactedCredential` (which
/// the importer counts as credential-like) and every other value becomes "". Importing a
/// scrubbed list gives the same inventory as importing the list as kubectl printed it.
public enum KubernetesScrubber {
    /// What was removed, for the collector's log.
    public struct Removed: Sendable, Equatable {
        public var secretValues = 0
        public var configMapValues = 0
        public var envValues = 0
        public var lastAppliedAnnotations = 0
        public init() {}
        public var total: Int { secretValues + configMapValues + envValues + lastAppliedAnnotations }
    }

    /// `json` as `JSONSerialization` parsed it; `kind` is the kind of a list's items when they
    /// do not carry their own.
    public static func scrub(_ json: Any, kind: String?, removed: inout Removed) -> Any {
        guard var object = json as? [String: Any] else {
            if let array = json as? [Any] { return array.map { scrub($0, kind: kind, removed: &removed) } }
            return json
        }
        if let items = object["items"] as? [Any] {
            object["items"] = items.map { scrubObject($0, kind: kind, removed: &removed) }
            return object
        }
        return scrubObject(object, kind: kind, removed: &removed)
    }

    static func scrubObject(_ json: Any, kind defaultKind: String?, removed: inout Removed) -> Any {
        guard var object = json as? [String: Any] else { return json }
        let kind = (object["kind"] as? String) ?? defaultKind
        if var metadata = object["metadata"] as? [String: Any], var annotations = metadata["annotations"] as? [String: Any],
           annotations.removeValue(forKey: KubernetesNormalizer.lastAppliedAnnotation) != nil {
            removed.lastAppliedAnnotations += 1
            metadata["annotations"] = annotations
            object["metadata"] = metadata
        }
        switch kind {
        case "Secret":
            for field in ["data", "stringData"] {
                guard let values = object[field] as? [String: Any] else { continue }
                removed.secretValues += values.count
                object[field] = values.mapValues { _ in "" }
            }
            return object
        case "ConfigMap":
            if let data = object["data"] as? [String: Any] {
                removed.configMapValues += data.count
                object["data"] = Dictionary(uniqueKeysWithValues: data.map { key, value in
                    (key, CredentialHeuristics.isCredentialLike(name: key, value: value as? String ?? "") ? CredentialHeuristics.redactedCredential : "")
                })
            }
            if let binary = object["binaryData"] as? [String: Any] {
                removed.configMapValues += binary.count
                object["binaryData"] = Dictionary(uniqueKeysWithValues: binary.map { key, value in
                    let flagged = !(value is NSNull) && (value as? String) != "" && CredentialHeuristics.nameLooksLikeCredential(key)
                    return (key, flagged ? CredentialHeuristics.redactedCredential : "")
                })
            }
            return object
        default:
            return scrubContainers(object, removed: &removed)
        }
    }

    static let containerLists: Set<String> = ["containers", "initContainers", "ephemeralContainers"]

    /// Walks the whole object: pod specs sit at different depths in pods, workloads and cron jobs.
    static func scrubContainers(_ json: Any, removed: inout Removed) -> Any {
        if let array = json as? [Any] { return array.map { scrubContainers($0, removed: &removed) } }
        guard var object = json as? [String: Any] else { return json }
        for (key, value) in object {
            if containerLists.contains(key), let containers = value as? [Any] {
                object[key] = containers.map { scrubEnv($0, removed: &removed) }
            } else if value is [String: Any] || value is [Any] {
                object[key] = scrubContainers(value, removed: &removed)
            }
        }
        return object
    }

    static func scrubEnv(_ json: Any, removed: inout Removed) -> Any {
        guard var container = json as? [String: Any], let env = container["env"] as? [Any] else { return json }
        container["env"] = env.map { entry -> Any in
            guard var variable = entry as? [String: Any], let value = variable["value"] else { return entry }
            removed.envValues += 1
            let name = variable["name"] as? String ?? ""
            variable["value"] = CredentialHeuristics.isCredentialLike(name: name, value: value as? String ?? "")
                ? CredentialHeuristics.redactedCredential : ""
            return variable
        }
        return container
    }
}
