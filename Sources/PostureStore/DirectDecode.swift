import PostureModel

/// Reading a large snapshot was three quarters `JSONDecoder` (its `Decoder` containers, per
/// value). The stored Kubernetes objects are canonical JSON this store wrote, so they are read
/// here directly, with what synthesized `Decodable` does: unknown keys skipped, absent or null
/// optionals nil, an absent required property an error. Any error (including anything this
/// reader does not expect) makes the caller decode the list with `JSONDecoder` instead, which
/// then either succeeds or throws its own error: the result is the same either way.
protocol DirectDecodable {
    init(canonical reader: inout CanonicalReader) throws
}

struct CanonicalReadError: Error {}

/// A cursor over one JSON value.
struct CanonicalReader {
    private let bytes: [UInt8]
    private var index: Int

    init(_ bytes: [UInt8], from index: Int) {
        self.bytes = bytes
        self.index = index
    }

    var isAtEnd: Bool { index == bytes.count }

    private mutating func expect(_ byte: UInt8) throws {
        guard index < bytes.count, bytes[index] == byte else { throw CanonicalReadError() }
        index += 1
    }

    private func peek() throws -> UInt8 {
        guard index < bytes.count else { throw CanonicalReadError() }
        return bytes[index]
    }

    /// Calls `body` with each key; `body` must read or skip the value.
    mutating func object(_ body: (inout CanonicalReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            let next = try peek()
            index += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw CanonicalReadError() }
        }
    }

    mutating func array<T>(_ element: (inout CanonicalReader) throws -> T) throws -> [T] {
        try expect(UInt8(ascii: "["))
        var values: [T] = []
        if try peek() == UInt8(ascii: "]") { index += 1; return values }
        while true {
            values.append(try element(&self))
            let next = try peek()
            index += 1
            if next == UInt8(ascii: "]") { return values }
            guard next == UInt8(ascii: ",") else { throw CanonicalReadError() }
        }
    }

    /// Consumes `null` if it is next.
    mutating func null() -> Bool {
        guard index + 4 <= bytes.count, bytes[index] == 0x6E, bytes[index + 1] == 0x75, bytes[index + 2] == 0x6C, bytes[index + 3] == 0x6C else {
            return false
        }
        index += 4
        return true
    }

    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: bytes[start..<index], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw CanonicalReadError() }
            index += 1
        }
        throw CanonicalReadError()
    }

    private mutating func escapedString(from start: Int) throws -> String {
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            guard byte != UInt8(ascii: "\\") else {
                guard index < bytes.count else { throw CanonicalReadError() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    // The writer escapes only control characters this way; anything wider goes
                    // to JSONDecoder, which knows surrogate pairs.
                    let code = try hex4()
                    guard code < 0x80 else { throw CanonicalReadError() }
                    out.append(UInt8(code))
                default: throw CanonicalReadError()
                }
                continue
            }
            guard byte >= 0x20 else { throw CanonicalReadError() }
            out.append(byte)
        }
        throw CanonicalReadError()
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw CanonicalReadError() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw CanonicalReadError()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// An integer as the writer writes it (no fraction, no exponent).
    mutating func int() throws -> Int {
        var negative = false
        if try peek() == UInt8(ascii: "-") { negative = true; index += 1 }
        let start = index
        var magnitude: UInt64 = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw CanonicalReadError() }
            magnitude = sum
            index += 1
        }
        guard index > start, index == bytes.count || !(bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e")) else {
            throw CanonicalReadError()
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { throw CanonicalReadError() }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { throw CanonicalReadError() }
        return Int(magnitude)
    }

    mutating func bool() throws -> Bool {
        if index + 4 <= bytes.count, bytes[index] == 0x74, bytes[index + 1] == 0x72, bytes[index + 2] == 0x75, bytes[index + 3] == 0x65 {
            index += 4
            return true
        }
        if index + 5 <= bytes.count, bytes[index] == 0x66, bytes[index + 1] == 0x61, bytes[index + 2] == 0x6C, bytes[index + 3] == 0x73,
           bytes[index + 4] == 0x65 {
            index += 5
            return false
        }
        throw CanonicalReadError()
    }

    mutating func optionalString() throws -> String? { null() ? nil : try string() }
    mutating func optionalInt() throws -> Int? { null() ? nil : try int() }
    mutating func optionalBool() throws -> Bool? { null() ? nil : try bool() }
    mutating func strings() throws -> [String] { try array { try $0.string() } }
    mutating func value<T: DirectDecodable>(_ type: T.Type = T.self) throws -> T { try T(canonical: &self) }
    mutating func values<T: DirectDecodable>(_ type: T.Type = T.self) throws -> [T] { try array { try T(canonical: &$0) } }

    mutating func stringDictionary() throws -> [String: String] {
        var result: [String: String] = [:]
        try object { reader, key in result[key] = try reader.string() }
        return result
    }

    /// Skips a value of a key this reader does not know (synthesized Decodable ignores those).
    mutating func skip() throws {
        switch try peek() {
        case UInt8(ascii: "{"): try object { reader, _ in try reader.skip() }
        case UInt8(ascii: "["): _ = try array { try $0.skip() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): guard null() else { throw CanonicalReadError() }
        default:
            // A number of any form.
            let start = index
            while index < bytes.count, !(bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "}") || bytes[index] == UInt8(ascii: "]")) {
                index += 1
            }
            guard index > start else { throw CanonicalReadError() }
        }
    }
}

/// Unwraps a required property, as synthesized Decodable requires it.
private func required<T>(_ value: T?) throws -> T {
    guard let value else { throw CanonicalReadError() }
    return value
}

extension ObjectMeta: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var name: String?, namespace: String?, uid: String?, creationTimestamp: String?
        var labels: [String: String]?, annotations: [String: String]?, ownerReferences: [OwnerRef]?
        try r.object { r, key in
            switch key {
            case "name": name = try r.string()
            case "namespace": namespace = try r.optionalString()
            case "uid": uid = try r.optionalString()
            case "creationTimestamp": creationTimestamp = try r.optionalString()
            case "labels": labels = try r.stringDictionary()
            case "annotations": annotations = try r.stringDictionary()
            case "ownerReferences": ownerReferences = try r.values()
            default: try r.skip()
            }
        }
        self.init(name: try required(name), namespace: namespace)
        self.uid = uid
        self.creationTimestamp = creationTimestamp
        self.labels = try required(labels)
        self.annotations = try required(annotations)
        self.ownerReferences = try required(ownerReferences)
    }
}

extension OwnerRef: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var kind: String?, name: String?, controller: Bool?
        try r.object { r, key in
            switch key {
            case "kind": kind = try r.string()
            case "name": name = try r.string()
            case "controller": controller = try r.bool()
            default: try r.skip()
            }
        }
        self.init(kind: try required(kind), name: try required(name), controller: try required(controller))
    }
}

extension KubeNamespace: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var meta: ObjectMeta?, phase: String?
        try r.object { r, key in
            switch key {
            case "meta": meta = try r.value()
            case "phase": phase = try r.optionalString()
            default: try r.skip()
            }
        }
        self.init(meta: try required(meta))
        self.phase = phase
    }
}

extension ServiceAccount: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var meta: ObjectMeta?, automount: Bool?, secretNames: [String]?, imagePullSecretNames: [String]?
        try r.object { r, key in
            switch key {
            case "meta": meta = try r.value()
            case "automountServiceAccountToken": automount = try r.optionalBool()
            case "secretNames": secretNames = try r.strings()
            case "imagePullSecretNames": imagePullSecretNames = try r.strings()
            default: try r.skip()
            }
        }
        self.init(meta: try required(meta))
        automountServiceAccountToken = automount
        self.secretNames = try required(secretNames)
        self.imagePullSecretNames = try required(imagePullSecretNames)
    }
}

extension Volume: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var name: String?, source: Source?, hostPath: String?, secretName: String?, configMapName: String?, csiDriver: String?
        var secretProviderClass: String?, projectedSecretNames: [String]?, projectsToken: Bool?
        try r.object { r, key in
            switch key {
            case "name": name = try r.string()
            case "source": source = try required(Source(rawValue: try r.string()))
            case "hostPath": hostPath = try r.optionalString()
            case "secretName": secretName = try r.optionalString()
            case "configMapName": configMapName = try r.optionalString()
            case "csiDriver": csiDriver = try r.optionalString()
            case "secretProviderClass": secretProviderClass = try r.optionalString()
            case "projectedSecretNames": projectedSecretNames = try r.strings()
            case "projectsServiceAccountToken": projectsToken = try r.bool()
            default: try r.skip()
            }
        }
        self.init(name: try required(name), source: try required(source))
        self.hostPath = hostPath; self.secretName = secretName; self.configMapName = configMapName; self.csiDriver = csiDriver
        self.secretProviderClass = secretProviderClass
        self.projectedSecretNames = try required(projectedSecretNames)
        self.projectsServiceAccountToken = try required(projectsToken)
    }
}

extension ContainerPort: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        self.init()
        var port = self
        try r.object { r, key in
            switch key {
            case "name": port.name = try r.optionalString()
            case "containerPort": port.containerPort = try r.optionalInt()
            case "hostPort": port.hostPort = try r.optionalInt()
            case "protocol": port.protocol = try r.optionalString()
            default: try r.skip()
            }
        }
        self = port
    }
}

extension SecretEnvRef: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var variable: String?, secretName: String?, key: String?
        try r.object { r, name in
            switch name {
            case "variable": variable = try r.optionalString()
            case "secretName": secretName = try r.string()
            case "key": key = try r.optionalString()
            default: try r.skip()
            }
        }
        self.init(variable: variable, secretName: try required(secretName), key: key)
    }
}

extension Container: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var name: String?, image: String?, isInit: Bool?
        var c = Container(name: "", image: "")
        var added: [String]?, ports: [ContainerPort]?, secretEnv: [SecretEnvRef]?, literal: [String]?, credential: [String]?
        var configMapEnv: [String]?
        try r.object { r, key in
            switch key {
            case "name": name = try r.string()
            case "image": image = try r.string()
            case "isInit": isInit = try r.bool()
            case "privileged": c.privileged = try r.optionalBool()
            case "allowPrivilegeEscalation": c.allowPrivilegeEscalation = try r.optionalBool()
            case "runAsNonRoot": c.runAsNonRoot = try r.optionalBool()
            case "runAsUser": c.runAsUser = try r.optionalInt()
            case "readOnlyRootFilesystem": c.readOnlyRootFilesystem = try r.optionalBool()
            case "addedCapabilities": added = try r.strings()
            case "ports": ports = try r.values()
            case "secretEnv": secretEnv = try r.values()
            case "literalEnvNames": literal = try r.strings()
            case "credentialLikeEnvNames": credential = try r.strings()
            case "configMapEnvNames": configMapEnv = try r.strings()
            default: try r.skip()
            }
        }
        c.name = try required(name); c.image = try required(image); c.isInit = try required(isInit)
        c.addedCapabilities = try required(added); c.ports = try required(ports); c.secretEnv = try required(secretEnv)
        c.literalEnvNames = try required(literal); c.credentialLikeEnvNames = try required(credential)
        c.configMapEnvNames = try required(configMapEnv)
        self = c
    }
}

extension Workload: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var kind: String?, meta: ObjectMeta?, podLabels: [String: String]?, podAnnotations: [String: String]?
        var hostNetwork: Bool?, hostPID: Bool?, hostIPC: Bool?, volumes: [Volume]?, containers: [Container]?
        var w = Workload(kind: "", meta: ObjectMeta(name: ""))
        try r.object { r, key in
            switch key {
            case "kind": kind = try r.string()
            case "meta": meta = try r.value()
            case "replicas": w.replicas = try r.optionalInt()
            case "podLabels": podLabels = try r.stringDictionary()
            case "podAnnotations": podAnnotations = try r.stringDictionary()
            case "serviceAccountName": w.serviceAccountName = try r.optionalString()
            case "automountServiceAccountToken": w.automountServiceAccountToken = try r.optionalBool()
            case "hostNetwork": hostNetwork = try r.bool()
            case "hostPID": hostPID = try r.bool()
            case "hostIPC": hostIPC = try r.bool()
            case "podRunAsNonRoot": w.podRunAsNonRoot = try r.optionalBool()
            case "podRunAsUser": w.podRunAsUser = try r.optionalInt()
            case "volumes": volumes = try r.values()
            case "containers": containers = try r.values()
            case "phase": w.phase = try r.optionalString()
            case "nodeName": w.nodeName = try r.optionalString()
            default: try r.skip()
            }
        }
        w.kind = try required(kind); w.meta = try required(meta); w.podLabels = try required(podLabels)
        w.podAnnotations = try required(podAnnotations); w.hostNetwork = try required(hostNetwork); w.hostPID = try required(hostPID)
        w.hostIPC = try required(hostIPC); w.volumes = try required(volumes); w.containers = try required(containers)
        self = w
    }
}

extension ServicePort: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var port = ServicePort()
        try r.object { r, key in
            switch key {
            case "name": port.name = try r.optionalString()
            case "port": port.port = try r.optionalInt()
            case "targetPort": port.targetPort = try r.optionalString()
            case "nodePort": port.nodePort = try r.optionalInt()
            case "protocol": port.protocol = try r.optionalString()
            default: try r.skip()
            }
        }
        self = port
    }
}

extension KubeService: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var meta: ObjectMeta?, type: String?, clusterIP: String?, externalIPs: [String]?, lbIngress: [String]?, lbRanges: [String]?
        var ports: [ServicePort]?, selector: [String: String]?
        try r.object { r, key in
            switch key {
            case "meta": meta = try r.value()
            case "type": type = try r.string()
            case "clusterIP": clusterIP = try r.optionalString()
            case "externalIPs": externalIPs = try r.strings()
            case "loadBalancerIngress": lbIngress = try r.strings()
            case "loadBalancerSourceRanges": lbRanges = try r.strings()
            case "ports": ports = try r.values()
            case "selector": selector = try r.stringDictionary()
            default: try r.skip()
            }
        }
        self.init(meta: try required(meta), type: try required(type))
        self.clusterIP = clusterIP; self.externalIPs = try required(externalIPs); loadBalancerIngress = try required(lbIngress)
        loadBalancerSourceRanges = try required(lbRanges); self.ports = try required(ports); self.selector = try required(selector)
    }
}

extension Ingress: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var meta: ObjectMeta?, className: String?, ruleHosts: [String]?, tlsHosts: [String]?, tlsSecrets: [String]?, hasTLS: Bool?
        var lbIngress: [String]?
        try r.object { r, key in
            switch key {
            case "meta": meta = try r.value()
            case "ingressClassName": className = try r.optionalString()
            case "ruleHosts": ruleHosts = try r.strings()
            case "tlsHosts": tlsHosts = try r.strings()
            case "tlsSecretNames": tlsSecrets = try r.strings()
            case "hasTLS": hasTLS = try r.bool()
            case "loadBalancerIngress": lbIngress = try r.strings()
            default: try r.skip()
            }
        }
        self.init(meta: try required(meta))
        ingressClassName = className; self.ruleHosts = try required(ruleHosts); self.tlsHosts = try required(tlsHosts)
        tlsSecretNames = try required(tlsSecrets); self.hasTLS = try required(hasTLS); loadBalancerIngress = try required(lbIngress)
    }
}

extension NetworkPolicy: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var meta: ObjectMeta?, selectsAll: Bool?, podSelector: [String: String]?, policyTypes: [String]?, ingressCount: Int?
        var egressCount: Int?, allIngress: Bool?, allEgress: Bool?
        try r.object { r, key in
            switch key {
            case "meta": meta = try r.value()
            case "selectsAllPods": selectsAll = try r.bool()
            case "podSelector": podSelector = try r.stringDictionary()
            case "policyTypes": policyTypes = try r.strings()
            case "ingressRuleCount": ingressCount = try r.int()
            case "egressRuleCount": egressCount = try r.int()
            case "allowsAllIngress": allIngress = try r.bool()
            case "allowsAllEgress": allEgress = try r.bool()
            default: try r.skip()
            }
        }
        self.init(meta: try required(meta))
        selectsAllPods = try required(selectsAll); self.podSelector = try required(podSelector)
        self.policyTypes = try required(policyTypes); ingressRuleCount = try required(ingressCount)
        egressRuleCount = try required(egressCount); allowsAllIngress = try required(allIngress); allowsAllEgress = try required(allEgress)
    }
}

extension PolicyRule: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var apiGroups: [String]?, resources: [String]?, verbs: [String]?, resourceNames: [String]?, nonResourceURLs: [String]?
        try r.object { r, key in
            switch key {
            case "apiGroups": apiGroups = try r.strings()
            case "resources": resources = try r.strings()
            case "verbs": verbs = try r.strings()
            case "resourceNames": resourceNames = try r.strings()
            case "nonResourceURLs": nonResourceURLs = try r.strings()
            default: try r.skip()
            }
        }
        self.init(apiGroups: try required(apiGroups), resources: try required(resources), verbs: try required(verbs),
                  resourceNames: try required(resourceNames), nonResourceURLs: try required(nonResourceURLs))
    }
}

extension RBACRole: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var kind: String?, meta: ObjectMeta?, rules: [PolicyRule]?, aggregated: Bool?
        try r.object { r, key in
            switch key {
            case "kind": kind = try r.string()
            case "meta": meta = try r.value()
            case "rules": rules = try r.values()
            case "isAggregated": aggregated = try r.bool()
            default: try r.skip()
            }
        }
        self.init(kind: try required(kind), meta: try required(meta))
        self.rules = try required(rules)
        isAggregated = try required(aggregated)
    }
}

extension RBACSubject: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var kind: String?, name: String?, namespace: String?
        try r.object { r, key in
            switch key {
            case "kind": kind = try r.string()
            case "name": name = try r.string()
            case "namespace": namespace = try r.optionalString()
            default: try r.skip()
            }
        }
        self.init(kind: try required(kind), name: try required(name), namespace: namespace)
    }
}

extension RBACBinding: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var kind: String?, meta: ObjectMeta?, refKind: String?, refName: String?, subjects: [RBACSubject]?
        try r.object { r, key in
            switch key {
            case "kind": kind = try r.string()
            case "meta": meta = try r.value()
            case "roleRefKind": refKind = try r.string()
            case "roleRefName": refName = try r.string()
            case "subjects": subjects = try r.values()
            default: try r.skip()
            }
        }
        self.init(kind: try required(kind), meta: try required(meta), roleRefKind: try required(refKind), roleRefName: try required(refName))
        self.subjects = try required(subjects)
    }
}

extension SecretMeta: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var meta: ObjectMeta?, type: String?, keys: [String]?, immutable: Bool?
        try r.object { r, key in
            switch key {
            case "meta": meta = try r.value()
            case "type": type = try r.string()
            case "keys": keys = try r.strings()
            case "immutable": immutable = try r.optionalBool()
            default: try r.skip()
            }
        }
        self.init(meta: try required(meta), type: try required(type))
        self.keys = try required(keys)
        self.immutable = immutable
    }
}

extension ConfigMapMeta: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var meta: ObjectMeta?, keys: [String]?, credentialLike: [String]?
        try r.object { r, key in
            switch key {
            case "meta": meta = try r.value()
            case "keys": keys = try r.strings()
            case "credentialLikeKeys": credentialLike = try r.strings()
            default: try r.skip()
            }
        }
        self.init(meta: try required(meta))
        self.keys = try required(keys)
        credentialLikeKeys = try required(credentialLike)
    }
}

extension SecretProviderClass: DirectDecodable {
    init(canonical r: inout CanonicalReader) throws {
        var meta: ObjectMeta?, objectNames: [String]?, synced: [String]?
        var spc = SecretProviderClass(meta: ObjectMeta(name: ""))
        try r.object { r, key in
            switch key {
            case "meta": meta = try r.value()
            case "provider": spc.provider = try r.optionalString()
            case "keyvaultName": spc.keyvaultName = try r.optionalString()
            case "tenantID": spc.tenantID = try r.optionalString()
            case "clientID": spc.clientID = try r.optionalString()
            case "usePodIdentity": spc.usePodIdentity = try r.optionalBool()
            case "useVMManagedIdentity": spc.useVMManagedIdentity = try r.optionalBool()
            case "objectNames": objectNames = try r.strings()
            case "syncedSecretNames": synced = try r.strings()
            default: try r.skip()
            }
        }
        spc.meta = try required(meta); spc.objectNames = try required(objectNames); spc.syncedSecretNames = try required(synced)
        self = spc
    }
}
