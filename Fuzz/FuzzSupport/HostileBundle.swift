import Foundation

/// Builds a bundle directory from a demo bundle with hostile text appended to every string a
/// cluster controls that can reach the screen or an export, and fake canary secrets planted in
/// every place a secret value can sit. Written to a temporary directory at test time.
public enum HostileBundle {
    /// Terminal attacks: OSC 52 clipboard write, title change, screen clear and home, the same
    /// as 8-bit C1 controls (CSI, OSC, ST), a bidi override and isolate, zero-width characters,
    /// DEL, backspace, CR/LF. Every scalar of it is one the sanitizer must neutralize.
    public static let payload = "\u{1B}]52;c;SEFDS0VE\u{07}\u{1B}]0;owned\u{07}\u{1B}[2J\u{1B}[H\u{9B}2J\u{9D}0;t\u{9C}"
        + "\u{202E}evil\u{202C}\u{2066}\u{200B}\u{200D}\u{FEFF}\u{7F}\u{08}\r\n"
    /// The canary prefix; every planted secret is `canary-<place>`.
    public static let canary = "CANARY-6f1d2e"

    /// Keys whose string values get the payload (everywhere in every document).
    static let hostileKeys: Set<String> = [
        "name", "namespace", "image", "vaulturi", "principalname", "serviceaccountname", "roledefinitionname",
        "fqdn", "dnsprefix", "nodeimageversion", "privatelinkserviceid", "host", "displayname",
    ]
    /// Objects all of whose string values get the payload.
    static let hostileMaps: Set<String> = ["labels", "annotations", "tags", "nodelabels", "selector", "matchlabels"]

    /// Scalars the sanitizer must turn into placeholders: C0 (except none), DEL, C1, bidi,
    /// zero-width and other invisible format characters.
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        switch v {
        case 0x00...0x1F, 0x7F...0x9F, 0x00AD, 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF:
            return true
        default:
            return false
        }
    }

    /// Writes the hostile copy of `demo` into `destination` (created). Returns the canary places.
    @discardableResult
    public static func write(from demo: URL, to destination: URL) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(at: destination.appendingPathComponent("kubernetes"), withIntermediateDirectories: true)
        var places: [String] = []
        for name in BundleContainer.files {
            let source = demo.appendingPathComponent(name)
            guard let data = fm.contents(atPath: source.path) else { continue }
            var json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            if name != "collected.json" { json = poison(json, key: nil, inMap: false) }
            json = plantCanaries(json, file: name, places: &places)
            let out = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
            try out.write(to: destination.appendingPathComponent(name))
        }
        return places
    }

    static func poison(_ value: Any, key: String?, inMap: Bool) -> Any {
        switch value {
        case let dict as [String: Any]:
            let isMap = key.map { hostileMaps.contains($0.lowercased()) } ?? false
            var out: [String: Any] = [:]
            for (k, v) in dict {
                // Map keys (label names) are hostile too.
                let newKey = isMap ? k + payload : k
                out[newKey] = poison(v, key: k, inMap: isMap)
            }
            return out
        case let array as [Any]:
            return array.map { poison($0, key: key, inMap: inMap) }
        case let s as String:
            if inMap || key.map({ hostileKeys.contains($0.lowercased()) }) == true { return s + payload }
            return s
        default:
            return value
        }
    }

    static func plantCanaries(_ json: Any, file: String, places: inout [String]) -> Any {
        func c(_ place: String) -> String { places.append(place); return "\(canary)-\(place)" }
        func lastApplied(_ place: String) -> String {
            "{\"data\":{\"password\":\"\(c("lastapplied-" + place))\"}}"
        }
        switch file {
        case "cluster.json":
            guard var cluster = json as? [String: Any] else { return json }
            var target = (cluster["properties"] as? [String: Any]) ?? cluster
            target["linuxProfile"] = ["adminUsername": "azureuser", "ssh": ["publicKeys": [["keyData": "ssh-rsa AAAA\(c("sshkey")) user@host"]]]]
            target["servicePrincipalProfile"] = ["clientId": "sp-client", "secret": c("spsecret")]
            target["windowsProfile"] = ["adminUsername": "winadmin", "adminPassword": c("winpassword")]
            if cluster["properties"] is [String: Any] { cluster["properties"] = target } else { cluster = target }
            return cluster
        case "kubernetes/secrets.json", "kubernetes/configmaps.json", "kubernetes/deployments.json", "kubernetes/pods.json":
            guard var list = json as? [String: Any], var items = list["items"] as? [[String: Any]] else { return json }
            for i in items.indices {
                var item = items[i]
                var metadata = item["metadata"] as? [String: Any] ?? [:]
                var annotations = metadata["annotations"] as? [String: Any] ?? [:]
                annotations["kubectl.kubernetes.io/last-applied-configuration"] = lastApplied("\(file)-\(i)")
                metadata["annotations"] = annotations
                item["metadata"] = metadata
                switch file {
                case "kubernetes/secrets.json":
                    let raw = c("secretdata-\(i)")
                    item["data"] = ["password": Data(raw.utf8).base64EncodedString()]
                    item["stringData"] = ["token": c("stringdata-\(i)")]
                case "kubernetes/configmaps.json":
                    item["data"] = ["db_password": c("cmvalue-\(i)"), "plain": c("cmplain-\(i)")]
                case "kubernetes/pods.json":
                    item["spec"] = addEnv(item["spec"], value: c("podenv-\(i)"))
                default:
                    if var spec = item["spec"] as? [String: Any], var template = spec["template"] as? [String: Any] {
                        template["spec"] = addEnv(template["spec"], value: c("deployenv-\(i)"))
                        spec["template"] = template
                        item["spec"] = spec
                    }
                }
                items[i] = item
            }
            list["items"] = items
            return list
        default:
            return json
        }
    }

    static func addEnv(_ spec: Any?, value: String) -> Any? {
        guard var spec = spec as? [String: Any], var containers = spec["containers"] as? [[String: Any]], !containers.isEmpty else { return spec }
        var env = containers[0]["env"] as? [[String: Any]] ?? []
        env.append(["name": "API_KEY", "value": value])
        containers[0]["env"] = env
        spec["containers"] = containers
        return spec
    }

    /// Every planted canary form: the text itself and its base64 (Secret `data`).
    public static func canaryNeedles() -> [[UInt8]] {
        [Array(canary.utf8), Array(Data(canary.utf8).base64EncodedString().prefix(16).utf8)]
    }

    /// Whether `haystack` holds any canary form.
    public static func containsCanary(_ haystack: [UInt8]) -> String? {
        for needle in canaryNeedles() where contains(haystack, needle) { return String(decoding: needle, as: UTF8.self) }
        return nil
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, Array(haystack[i..<(i + needle.count)]) == needle { return true }
            i += 1
        }
        return false
    }
}
