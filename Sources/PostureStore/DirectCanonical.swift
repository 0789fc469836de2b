import PostureModel

/// Canonical JSON of the Kubernetes object types written by hand, without `Codable`: an import
/// stores hundreds of thousands of these, and going through `Encoder` containers (boxes, generic
/// dispatch, exclusivity checks) was most of the store step even when streaming.
///
/// The bytes must be exactly what `CanonicalJSON.encode` writes (stored objects are addressed by
/// their hash): the keys of synthesized `Codable` in declaration order, `nil` optionals left out,
/// dictionaries sorted by key. `canonicalKeys` lists each type's stored properties in order; when
/// the model gains, loses or reorders a property, `DirectCanonical.isCurrent` turns false and the
/// store encodes through `Codable` again (same bytes, slower) until the writer is updated — the
/// store tests fail meanwhile, so that does not go unnoticed. The hand-written readers
/// (`DirectDecodable`) are gated on the same check.
protocol DirectCanonical {
    static var canonicalKeys: [String] { get }
    func writeCanonical(_ w: inout CanonicalWriter)
}

enum DirectCanonicalCheck {
    /// Whether every hand-written type still has exactly the properties its writer writes, in
    /// that order (synthesized `Codable` encodes stored properties in declaration order, and
    /// `Mirror` lists them in the same order).
    static let isCurrent: Bool = mismatches.isEmpty

    /// Types whose properties differ from `canonicalKeys`, with both lists.
    static var mismatches: [String] {
        let meta = ObjectMeta(name: "")
        let samples: [(any DirectCanonical, Any)] = [
            (meta, meta), (OwnerRef(kind: "", name: "", controller: false), OwnerRef(kind: "", name: "", controller: false)),
            (KubeNamespace(meta: meta), KubeNamespace(meta: meta)), (ServiceAccount(meta: meta), ServiceAccount(meta: meta)),
            (Volume(name: "", source: .other), Volume(name: "", source: .other)), (ContainerPort(), ContainerPort()),
            (SecretEnvRef(variable: nil, secretName: "", key: nil), SecretEnvRef(variable: nil, secretName: "", key: nil)),
            (Container(name: "", image: ""), Container(name: "", image: "")),
            (Workload(kind: "", meta: meta), Workload(kind: "", meta: meta)), (ServicePort(), ServicePort()),
            (KubeService(meta: meta, type: ""), KubeService(meta: meta, type: "")), (Ingress(meta: meta), Ingress(meta: meta)),
            (NetworkPolicy(meta: meta), NetworkPolicy(meta: meta)), (PolicyRule(), PolicyRule()),
            (RBACRole(kind: "", meta: meta), RBACRole(kind: "", meta: meta)), (RBACSubject(kind: "", name: ""), RBACSubject(kind: "", name: "")),
            (RBACBinding(kind: "", meta: meta, roleRefKind: "", roleRefName: ""), RBACBinding(kind: "", meta: meta, roleRefKind: "", roleRefName: "")),
            (SecretMeta(meta: meta, type: ""), SecretMeta(meta: meta, type: "")), (ConfigMapMeta(meta: meta), ConfigMapMeta(meta: meta)),
            (SecretProviderClass(meta: meta), SecretProviderClass(meta: meta)),
        ]
        return samples.compactMap { direct, value in
            let properties = Mirror(reflecting: value).children.map { $0.label ?? "?" }
            let keys = type(of: direct).canonicalKeys
            return properties == keys ? nil : "\(type(of: value)): properties \(properties), writer \(keys)"
        }
    }
}

/// Appends canonical JSON; `first` tracks whether the current object or array has an element yet.
struct CanonicalWriter {
    var out: [UInt8]
    private var first = true

    init(prefix: [UInt8]) {
        out = prefix
        out.reserveCapacity(2048)
    }

    private mutating func key(_ name: String) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        CanonicalNode.writeString(name, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    mutating func object(_ body: (inout CanonicalWriter) -> Void) {
        let outer = first
        out.append(UInt8(ascii: "{"))
        first = true
        body(&self)
        out.append(UInt8(ascii: "}"))
        first = outer
    }

    mutating func field(_ name: String, _ value: String) { key(name); CanonicalNode.writeString(value, to: &out) }
    mutating func field(_ name: String, _ value: String?) { if let value { field(name, value) } }
    mutating func field(_ name: String, _ value: Int) { key(name); CanonicalNode.writeInt(value, to: &out) }
    mutating func field(_ name: String, _ value: Int?) { if let value { field(name, value) } }
    mutating func field(_ name: String, _ value: Bool) { key(name); CanonicalNode.writeBool(value, to: &out) }
    mutating func field(_ name: String, _ value: Bool?) { if let value { field(name, value) } }

    mutating func field(_ name: String, _ values: [String]) { key(name); CanonicalNode.writeStrings(values, to: &out) }

    mutating func field(_ name: String, _ values: [String: String]) { key(name); CanonicalNode.writeStringDictionary(values, to: &out) }

    mutating func field<T: DirectCanonical>(_ name: String, _ value: T) {
        key(name)
        value.writeCanonical(&self)
    }

    mutating func field<T: DirectCanonical>(_ name: String, _ values: [T]) {
        key(name)
        out.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            value.writeCanonical(&self)
        }
        out.append(UInt8(ascii: "]"))
    }
}

extension ObjectMeta: DirectCanonical {
    static let canonicalKeys = ["name", "namespace", "uid", "creationTimestamp", "labels", "annotations", "ownerReferences"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("name", name); w.field("namespace", namespace); w.field("uid", uid)
            w.field("creationTimestamp", creationTimestamp); w.field("labels", labels); w.field("annotations", annotations)
            w.field("ownerReferences", ownerReferences)
        }
    }
}

extension OwnerRef: DirectCanonical {
    static let canonicalKeys = ["kind", "name", "controller"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in w.field("kind", kind); w.field("name", name); w.field("controller", controller) }
    }
}

extension KubeNamespace: DirectCanonical {
    static let canonicalKeys = ["meta", "phase"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in w.field("meta", meta); w.field("phase", phase) }
    }
}

extension ServiceAccount: DirectCanonical {
    static let canonicalKeys = ["meta", "automountServiceAccountToken", "secretNames", "imagePullSecretNames"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("meta", meta); w.field("automountServiceAccountToken", automountServiceAccountToken)
            w.field("secretNames", secretNames); w.field("imagePullSecretNames", imagePullSecretNames)
        }
    }
}

extension Volume: DirectCanonical {
    static let canonicalKeys = ["name", "source", "hostPath", "secretName", "configMapName", "csiDriver", "secretProviderClass",
                                "projectedSecretNames", "projectsServiceAccountToken"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("name", name); w.field("source", source.rawValue); w.field("hostPath", hostPath)
            w.field("secretName", secretName); w.field("configMapName", configMapName); w.field("csiDriver", csiDriver)
            w.field("secretProviderClass", secretProviderClass); w.field("projectedSecretNames", projectedSecretNames)
            w.field("projectsServiceAccountToken", projectsServiceAccountToken)
        }
    }
}

extension ContainerPort: DirectCanonical {
    static let canonicalKeys = ["name", "containerPort", "hostPort", "protocol"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("name", name); w.field("containerPort", containerPort); w.field("hostPort", hostPort); w.field("protocol", `protocol`)
        }
    }
}

extension SecretEnvRef: DirectCanonical {
    static let canonicalKeys = ["variable", "secretName", "key"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in w.field("variable", variable); w.field("secretName", secretName); w.field("key", key) }
    }
}

extension Container: DirectCanonical {
    static let canonicalKeys = ["name", "image", "isInit", "privileged", "allowPrivilegeEscalation", "runAsNonRoot", "runAsUser",
                                "readOnlyRootFilesystem", "addedCapabilities", "ports", "secretEnv", "literalEnvNames",
                                "credentialLikeEnvNames", "configMapEnvNames"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("name", name); w.field("image", image); w.field("isInit", isInit); w.field("privileged", privileged)
            w.field("allowPrivilegeEscalation", allowPrivilegeEscalation); w.field("runAsNonRoot", runAsNonRoot)
            w.field("runAsUser", runAsUser); w.field("readOnlyRootFilesystem", readOnlyRootFilesystem)
            w.field("addedCapabilities", addedCapabilities); w.field("ports", ports); w.field("secretEnv", secretEnv)
            w.field("literalEnvNames", literalEnvNames); w.field("credentialLikeEnvNames", credentialLikeEnvNames)
            w.field("configMapEnvNames", configMapEnvNames)
        }
    }
}

extension Workload: DirectCanonical {
    static let canonicalKeys = ["kind", "meta", "replicas", "podLabels", "podAnnotations", "serviceAccountName",
                                "automountServiceAccountToken", "hostNetwork", "hostPID", "hostIPC", "podRunAsNonRoot",
                                "podRunAsUser", "volumes", "containers", "phase", "nodeName"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("kind", kind); w.field("meta", meta); w.field("replicas", replicas); w.field("podLabels", podLabels)
            w.field("podAnnotations", podAnnotations); w.field("serviceAccountName", serviceAccountName)
            w.field("automountServiceAccountToken", automountServiceAccountToken); w.field("hostNetwork", hostNetwork)
            w.field("hostPID", hostPID); w.field("hostIPC", hostIPC); w.field("podRunAsNonRoot", podRunAsNonRoot)
            w.field("podRunAsUser", podRunAsUser); w.field("volumes", volumes); w.field("containers", containers)
            w.field("phase", phase); w.field("nodeName", nodeName)
        }
    }
}

extension ServicePort: DirectCanonical {
    static let canonicalKeys = ["name", "port", "targetPort", "nodePort", "protocol"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("name", name); w.field("port", port); w.field("targetPort", targetPort); w.field("nodePort", nodePort)
            w.field("protocol", `protocol`)
        }
    }
}

extension KubeService: DirectCanonical {
    static let canonicalKeys = ["meta", "type", "clusterIP", "externalIPs", "loadBalancerIngress", "loadBalancerSourceRanges",
                                "ports", "selector"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("meta", meta); w.field("type", type); w.field("clusterIP", clusterIP); w.field("externalIPs", externalIPs)
            w.field("loadBalancerIngress", loadBalancerIngress); w.field("loadBalancerSourceRanges", loadBalancerSourceRanges)
            w.field("ports", ports); w.field("selector", selector)
        }
    }
}

extension Ingress: DirectCanonical {
    static let canonicalKeys = ["meta", "ingressClassName", "ruleHosts", "tlsHosts", "tlsSecretNames", "hasTLS", "loadBalancerIngress"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("meta", meta); w.field("ingressClassName", ingressClassName); w.field("ruleHosts", ruleHosts)
            w.field("tlsHosts", tlsHosts); w.field("tlsSecretNames", tlsSecretNames); w.field("hasTLS", hasTLS)
            w.field("loadBalancerIngress", loadBalancerIngress)
        }
    }
}

extension NetworkPolicy: DirectCanonical {
    static let canonicalKeys = ["meta", "selectsAllPods", "podSelector", "policyTypes", "ingressRuleCount", "egressRuleCount",
                                "allowsAllIngress", "allowsAllEgress"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("meta", meta); w.field("selectsAllPods", selectsAllPods); w.field("podSelector", podSelector)
            w.field("policyTypes", policyTypes); w.field("ingressRuleCount", ingressRuleCount)
            w.field("egressRuleCount", egressRuleCount); w.field("allowsAllIngress", allowsAllIngress)
            w.field("allowsAllEgress", allowsAllEgress)
        }
    }
}

extension PolicyRule: DirectCanonical {
    static let canonicalKeys = ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("apiGroups", apiGroups); w.field("resources", resources); w.field("verbs", verbs)
            w.field("resourceNames", resourceNames); w.field("nonResourceURLs", nonResourceURLs)
        }
    }
}

extension RBACRole: DirectCanonical {
    static let canonicalKeys = ["kind", "meta", "rules", "isAggregated"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in w.field("kind", kind); w.field("meta", meta); w.field("rules", rules); w.field("isAggregated", isAggregated) }
    }
}

extension RBACSubject: DirectCanonical {
    static let canonicalKeys = ["kind", "name", "namespace"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in w.field("kind", kind); w.field("name", name); w.field("namespace", namespace) }
    }
}

extension RBACBinding: DirectCanonical {
    static let canonicalKeys = ["kind", "meta", "roleRefKind", "roleRefName", "subjects"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("kind", kind); w.field("meta", meta); w.field("roleRefKind", roleRefKind); w.field("roleRefName", roleRefName)
            w.field("subjects", subjects)
        }
    }
}

extension SecretMeta: DirectCanonical {
    static let canonicalKeys = ["meta", "type", "keys", "immutable"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in w.field("meta", meta); w.field("type", type); w.field("keys", keys); w.field("immutable", immutable) }
    }
}

extension ConfigMapMeta: DirectCanonical {
    static let canonicalKeys = ["meta", "keys", "credentialLikeKeys"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in w.field("meta", meta); w.field("keys", keys); w.field("credentialLikeKeys", credentialLikeKeys) }
    }
}

extension SecretProviderClass: DirectCanonical {
    static let canonicalKeys = ["meta", "provider", "keyvaultName", "tenantID", "clientID", "usePodIdentity", "useVMManagedIdentity",
                                "objectNames", "syncedSecretNames"]
    func writeCanonical(_ w: inout CanonicalWriter) {
        w.object { w in
            w.field("meta", meta); w.field("provider", provider); w.field("keyvaultName", keyvaultName); w.field("tenantID", tenantID)
            w.field("clientID", clientID); w.field("usePodIdentity", usePodIdentity)
            w.field("useVMManagedIdentity", useVMManagedIdentity); w.field("objectNames", objectNames)
            w.field("syncedSecretNames", syncedSecretNames)
        }
    }
}
