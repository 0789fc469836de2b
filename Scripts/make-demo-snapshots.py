#!/usr/bin/env python3
"""Generate the demo snapshot bundles under snapshots/.

Three invented AKS clusters, each collected several times, written in the shapes that
`az … -o json` and `kubectl get … -A -o json` print. Everything here is made up: the
subscription, tenant and object ids are obviously fake GUIDs (all-zero prefixes), hosts use
`.example` names or documentation IP ranges, and every "secret" value is a placeholder
(`demo-not-a-secret`, `REDACTED-DEMO`). No file is copied from anywhere.

Deterministic: running it twice gives byte-identical output. Re-run after editing:

    python3 Scripts/make-demo-snapshots.py            # writes <repo>/snapshots
    python3 Scripts/make-demo-snapshots.py --out DIR  # somewhere else

Layout per snapshot: snapshots/<cluster>/<YYYY-MM-DDTHHMMZ>/{cluster.json, nodepools.json, …,
collected.json} plus kubernetes data either as one kubernetes.json List (staging) or as
kubernetes/<resource>.json (prod, dev).
"""

import argparse
import base64
import copy
import hashlib
import json
import os
import shutil
import uuid

# --------------------------------------------------------------------------------------------
# Deterministic ids

TENANT = "00000000-0000-0000-0000-0000000000aa"
UID_NAMESPACE = uuid.UUID("00000000-0000-0000-0000-00000000de30")
AZ_VERSION = "2.80.0"
KUBECTL_VERSION = "v1.34.2"
COLLECTOR = "aksposture 0.1.0"
FAKE_SECRET_B64 = base64.b64encode(b"demo-not-a-secret").decode()
PLACEHOLDER = "REDACTED-DEMO"


def fguid(seed):
    """An obviously fake, stable GUID: zero prefix, hash suffix."""
    h = hashlib.sha1(seed.encode()).hexdigest()
    return f"00000000-0000-0000-{h[0:4]}-{h[4:16]}"


def kuid(seed):
    """Kubernetes object uid (looks like a normal v4-ish uuid, stable per object)."""
    return str(uuid.uuid5(UID_NAMESPACE, seed))


def short_hash(seed, n):
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    h = int(hashlib.sha1(seed.encode()).hexdigest(), 16)
    out = ""
    for _ in range(n):
        out += alphabet[h % len(alphabet)]
        h //= len(alphabet)
    return out


def rv_of(obj):
    """resourceVersion that changes only when the object's content changes."""
    body = json.dumps(obj, sort_keys=True)
    return str(1000000 + int(hashlib.sha1(body.encode()).hexdigest()[:8], 16) % 89000000)


# --------------------------------------------------------------------------------------------
# Azure documents (az -o json shape: flattened, az casing, keys sorted, many nulls)

def sub_id(sub):
    return f"/subscriptions/{sub}"


def rg_id(sub, rg):
    return f"/subscriptions/{sub}/resourceGroups/{rg}"


def cluster_id(sub, rg, name):
    # az aks show prints the resource group segment in lower case ("resourcegroups").
    return f"/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}"


def pool_profile(name, *, mode, count, vm, os_sku, k8s, node_image, subnet, ssh, public_ip=False,
                 enc_host=False, zones=("1", "2", "3"), max_pods=110, os_disk="Ephemeral", autoscale=None,
                 taints=None, labels=None):
    p = {
        "artifactStreamingProfile": None,
        "availabilityZones": list(zones) if zones else None,
        "capacityReservationGroupId": None,
        "count": count,
        "creationData": None,
        "currentOrchestratorVersion": k8s,
        "eTag": fguid("etag/" + name + k8s + node_image)[-12:],
        "enableAutoScaling": autoscale is not None,
        "enableCustomCaTrust": False,
        "enableEncryptionAtHost": enc_host,
        "enableFips": False,
        "enableNodePublicIp": public_ip,
        "enableUltraSsd": False,
        "gatewayProfile": None,
        "gpuInstanceProfile": None,
        "gpuProfile": None,
        "hostGroupId": None,
        "kubeletConfig": None,
        "kubeletDiskType": "OS",
        "linuxOsConfig": None,
        "maxCount": autoscale[1] if autoscale else None,
        "maxPods": max_pods,
        "messageOfTheDay": None,
        "minCount": autoscale[0] if autoscale else None,
        "mode": mode,
        "name": name,
        "networkProfile": None,
        "nodeImageVersion": node_image,
        "nodeInitializationTaints": None,
        "nodeLabels": labels or None,
        "nodePublicIpPrefixId": None,
        "nodeTaints": taints,
        "orchestratorVersion": k8s,
        "osDiskSizeGb": 128,
        "osDiskType": os_disk,
        "osSku": os_sku,
        "osType": "Linux",
        "podIpAllocationMode": None,
        "podSubnetId": None,
        "powerState": {"code": "Running"},
        "provisioningState": "Succeeded",
        "proximityPlacementGroupId": None,
        "scaleDownMode": "Delete",
        "scaleSetEvictionPolicy": None,
        "scaleSetPriority": None,
        "securityProfile": {"enableSecureBoot": False, "enableVtpm": False, "sshAccess": ssh},
        "spotMaxPrice": None,
        "status": None,
        "tags": None,
        "type": "VirtualMachineScaleSets",
        "upgradeSettings": {"drainTimeoutInMinutes": None, "maxSurge": "10%", "maxUnavailable": None,
                            "nodeSoakDurationInMinutes": None, "undrainableNodeBehavior": None},
        "virtualMachineNodesStatus": None,
        "virtualMachinesProfile": None,
        "vmSize": vm,
        "vnetSubnetId": subnet,
        "windowsProfile": None,
        "workloadRuntime": "OCIContainer",
    }
    return p


def nodepool_list_item(profile, sub, rg, cluster):
    """`az aks nodepool list` prints the same pool fields plus id/resourceGroup; the pool's own
    `type` collides with the resource type, so az renames it `typePropertiesType`."""
    item = copy.deepcopy(profile)
    item["typePropertiesType"] = item.pop("type")
    item["id"] = cluster_id(sub, rg, cluster) + "/agentPools/" + profile["name"]
    item["resourceGroup"] = rg
    item["type"] = "Microsoft.ContainerService/managedClusters/agentPools"
    return dict(sorted(item.items()))


def addon_identity(sub, node_rg, name, seed):
    return {
        "clientId": fguid(seed + "/client"),
        "objectId": fguid(seed + "/object"),
        "resourceId": f"/subscriptions/{sub}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
    }


def aks_show(c, snap):
    """Build `az aks show` output for cluster config `c` at snapshot index `snap`."""
    sub, rg, name, loc = c["sub"], c["rg"], c["name"], c["location"]
    node_rg = f"MC_{rg}_{name}_{loc}"
    d = {
        "aadProfile": c.get("aad"),
        "addonProfiles": c.get("addons"),
        "agentPoolProfiles": c["pools"],
        "aiToolchainOperatorProfile": None,
        "apiServerAccessProfile": c.get("apiserver"),
        "autoScalerProfile": None,
        "autoUpgradeProfile": c.get("autoupgrade"),
        "azureMonitorProfile": c.get("azureMonitorProfile"),
        "azurePortalFqdn": c.get("portalFqdn"),
        "bootstrapProfile": {"artifactSource": "Direct", "containerRegistryId": None},
        "currentKubernetesVersion": c["k8s"],
        "disableLocalAccounts": c["disableLocalAccounts"],
        "diskEncryptionSetId": c.get("desId"),
        "dnsPrefix": c["dnsPrefix"],
        "eTag": fguid(f"etag/{name}/{snap}")[-12:],
        "enableRbac": c["enableRbac"],
        "extendedLocation": None,
        "fqdn": c.get("fqdn"),
        "fqdnSubdomain": None,
        "httpProxyConfig": None,
        "id": cluster_id(sub, rg, name),
        "identity": c.get("identity"),
        "identityProfile": c.get("identityProfile"),
        "ingressProfile": c.get("ingressProfile"),
        "kind": "Base",
        "kubernetesVersion": c["k8s"].rsplit(".", 1)[0],
        "linuxProfile": c.get("linuxProfile"),
        "location": loc,
        "maxAgentPools": 100,
        "metricsProfile": {"costAnalysis": {"enabled": False}},
        "name": name,
        "networkProfile": c["network"],
        "nodeProvisioningProfile": {"defaultNodePools": "Auto", "mode": "Manual"},
        "nodeResourceGroup": node_rg,
        "nodeResourceGroupProfile": None,
        "oidcIssuerProfile": c.get("oidc", {"enabled": False, "issuerUrl": None}),
        "podIdentityProfile": c.get("podIdentityProfile"),
        "powerState": {"code": "Running"},
        "privateFqdn": c.get("privateFqdn"),
        "privateLinkResources": c.get("privateLinkResources"),
        "provisioningState": "Succeeded",
        "publicNetworkAccess": None,
        "resourceGroup": rg,
        "resourceUid": fguid("resourceUid/" + name)[-24:],
        "securityProfile": c.get("securityProfile"),
        "serviceMeshProfile": None,
        "servicePrincipalProfile": c.get("spProfile", {"clientId": "msi", "secret": None}),
        "sku": {"name": "Base", "tier": c.get("skuTier", "Standard")},
        "storageProfile": {
            "blobCsiDriver": None,
            "diskCsiDriver": {"enabled": True, "version": "v1"},
            "fileCsiDriver": {"enabled": True},
            "snapshotController": {"enabled": True},
        },
        "supportPlan": "KubernetesOfficial",
        "systemData": None,
        "tags": c.get("tags", {}),
        "type": "Microsoft.ContainerService/ManagedClusters",
        "upgradeSettings": None,
        "windowsProfile": None,
        "workloadAutoScalerProfile": {"keda": None, "verticalPodAutoscaler": None},
    }
    return d


def acr_doc(*, sub, rg, name, loc, sku, admin, anon, public, default_action, pe_conns, created, arm_policy="enabled", tags=None):
    return {
        "adminUserEnabled": admin,
        "anonymousPullEnabled": anon,
        "autoGeneratedDomainNameLabelScope": None,
        "creationDate": created,
        "dataEndpointEnabled": False,
        "dataEndpointHostNames": [],
        "encryption": {"keyVaultProperties": None, "status": "disabled"},
        "id": f"{rg_id(sub, rg)}/providers/Microsoft.ContainerRegistry/registries/{name}",
        "identity": None,
        "location": loc,
        "loginServer": f"{name}.azurecr.io",
        "metadataSearch": "Disabled",
        "name": name,
        "networkRuleBypassAllowedForTasks": False,
        "networkRuleBypassOptions": "AzureServices",
        "networkRuleSet": {"defaultAction": default_action, "ipRules": []} if sku == "Premium" else None,
        "policies": {
            "azureAdAuthenticationAsArmPolicy": {"status": arm_policy},
            "exportPolicy": {"status": "enabled"},
            "quarantinePolicy": {"status": "disabled"},
            "retentionPolicy": {"days": 7, "lastUpdatedTime": created, "status": "disabled"},
            "softDeletePolicy": {"lastUpdatedTime": created, "retentionDays": 7, "status": "disabled"},
            "trustPolicy": {"status": "disabled", "type": "Notary"},
        },
        "privateEndpointConnections": pe_conns,
        "provisioningState": "Succeeded",
        "publicNetworkAccess": public,
        "resourceGroup": rg,
        "roleAssignmentMode": "LegacyRegistryPermissions",
        "sku": {"name": sku, "tier": sku},
        "status": None,
        "systemData": {
            "createdAt": created, "createdBy": "platform-automation@contoso.example", "createdByType": "User",
            "lastModifiedAt": created, "lastModifiedBy": "platform-automation@contoso.example", "lastModifiedByType": "User",
        },
        "tags": tags or {},
        "type": "Microsoft.ContainerRegistry/registries",
        "zoneRedundancy": "Disabled",
    }


def acr_pe_conn(acr_id, pe_id, rg, status="Approved"):
    pe_name = pe_id.rsplit("/", 1)[1]
    return {
        "groupIds": ["registry"],
        "id": f"{acr_id}/privateEndpointConnections/{pe_name}.{fguid(pe_id)[-12:]}",
        "name": f"{pe_name}.{fguid(pe_id)[-12:]}",
        "privateEndpoint": {"id": pe_id},
        "privateLinkServiceConnectionState": {"actionsRequired": "None", "description": "Auto-Approved", "status": status},
        "provisioningState": "Succeeded",
        "resourceGroup": rg,
        "systemData": None,
        "type": "Microsoft.ContainerRegistry/registries/privateEndpointConnections",
    }


def keyvault_doc(*, sub, rg, name, loc, rbac, soft_delete, purge, public, acl_default, access_policies, pe_conns, sku="standard", created="2026-03-02T09:14:55.000Z", tags=None):
    """`az keyvault show` keeps the ARM `properties` envelope (unlike acr/aks)."""
    vid = f"{rg_id(sub, rg)}/providers/Microsoft.KeyVault/vaults/{name}"
    return {
        "id": vid,
        "location": loc,
        "name": name,
        "properties": {
            "accessPolicies": access_policies,
            "createMode": None,
            "enablePurgeProtection": purge,
            "enableRbacAuthorization": rbac,
            "enableSoftDelete": soft_delete,
            "enabledForDeployment": False,
            "enabledForDiskEncryption": False,
            "enabledForTemplateDeployment": False,
            "hsmPoolResourceId": None,
            "networkAcls": ({"bypass": "AzureServices", "defaultAction": acl_default, "ipRules": [], "virtualNetworkRules": []}
                            if acl_default else None),
            "privateEndpointConnections": pe_conns,
            "provisioningState": "Succeeded",
            "publicNetworkAccess": public,
            "sku": {"family": "A", "name": sku},
            "softDeleteRetentionInDays": 90 if soft_delete else None,
            "tenantId": TENANT,
            "vaultUri": f"https://{name}.vault.azure.net/",
        },
        "resourceGroup": rg,
        "systemData": {
            "createdAt": created, "createdBy": "platform-automation@contoso.example", "createdByType": "User",
            "lastModifiedAt": created, "lastModifiedBy": "platform-automation@contoso.example", "lastModifiedByType": "User",
        },
        "tags": tags or {},
        "type": "Microsoft.KeyVault/vaults",
    }


def kv_pe_conn(vault_id, pe_id, rg):
    return {
        "etag": None,
        "id": f"{vault_id}/privateEndpointConnections/{pe_id.rsplit('/', 1)[1]}",
        "privateEndpoint": {"id": pe_id},
        "privateLinkServiceConnectionState": {"actionsRequired": "None", "description": "", "status": "Approved"},
        "provisioningState": "Succeeded",
        "resourceGroup": rg,
    }


def access_policy(object_id, secrets, keys=(), certs=()):
    return {
        "applicationId": None,
        "objectId": object_id,
        "permissions": {"certificates": list(certs), "keys": list(keys), "secrets": list(secrets), "storage": None},
        "tenantId": TENANT,
    }


def private_endpoint(*, sub, rg, name, loc, subnet_id, target_id, group, ip, zone_id=None, fqdn=None):
    pe_id = f"{rg_id(sub, rg)}/providers/Microsoft.Network/privateEndpoints/{name}"
    d = {
        "applicationSecurityGroups": [],
        "customDnsConfigs": [],
        "customNetworkInterfaceName": f"{name}-nic",
        "etag": f'W/"{fguid("pe-etag/" + name)}"',
        "extendedLocation": None,
        "id": pe_id,
        "ipConfigurations": [],
        "ipVersionType": "IPv4",
        "location": loc,
        "manualPrivateLinkServiceConnections": [],
        "name": name,
        "networkInterfaces": [{"id": f"{rg_id(sub, rg)}/providers/Microsoft.Network/networkInterfaces/{name}-nic"}],
        "privateLinkServiceConnections": [{
            "etag": f'W/"{fguid("pls-etag/" + name)}"',
            "groupIds": [group],
            "id": f"{pe_id}/privateLinkServiceConnections/{name}",
            "name": name,
            "privateLinkServiceConnectionState": {"actionsRequired": "None", "description": "Auto-Approved", "status": "Approved"},
            "privateLinkServiceId": target_id,
            "provisioningState": "Succeeded",
            "requestMessage": None,
            "resourceGroup": rg,
            "type": "Microsoft.Network/privateEndpoints/privateLinkServiceConnections",
        }],
        "provisioningState": "Succeeded",
        "resourceGroup": rg,
        "subnet": {"id": subnet_id},
        "tags": {},
        "type": "Microsoft.Network/privateEndpoints",
    }
    # Added by the collector from `az network private-endpoint dns-zone-group list`.
    groups = []
    if zone_id:
        zone_name = zone_id.rsplit("/", 1)[1]
        groups.append({
            "etag": f'W/"{fguid("zg-etag/" + name)}"',
            "id": f"{pe_id}/privateDnsZoneGroups/default",
            "name": "default",
            "privateDnsZoneConfigs": [{
                "name": zone_name.replace(".", "-"),
                "privateDnsZoneId": zone_id,
                "recordSets": [{
                    "fqdn": fqdn, "ipAddresses": [ip], "provisioningState": "Succeeded",
                    "recordSetName": fqdn.split(".")[0], "recordType": "A", "ttl": 10,
                }],
            }],
            "provisioningState": "Succeeded",
            "resourceGroup": rg,
        })
    d["privateDnsZoneGroups"] = groups
    return d


def dns_zone(*, sub, rg, name, records, links):
    zid = f"{rg_id(sub, rg)}/providers/Microsoft.Network/privateDnsZones/{name}"
    return {
        "etag": fguid("zone-etag/" + name + rg),
        "id": zid,
        "internalId": None,
        "location": "global",
        "maxNumberOfRecordSets": 25000,
        "maxNumberOfVirtualNetworkLinks": 1000,
        "maxNumberOfVirtualNetworkLinksWithRegistration": 100,
        "name": name,
        "numberOfRecordSets": records,
        "numberOfVirtualNetworkLinks": len(links),
        "numberOfVirtualNetworkLinksWithRegistration": 0,
        "provisioningState": "Succeeded",
        "resourceGroup": rg,
        "tags": {},
        "type": "Microsoft.Network/privateDnsZones",
        # Added by the collector from `az network private-dns link vnet list -g RG -z ZONE`.
        "virtualNetworkLinks": [{
            "etag": f'"{fguid("link-etag/" + ln + name)}"',
            "id": f"{zid}/virtualNetworkLinks/{ln}",
            "location": "global",
            "name": ln,
            "provisioningState": "Succeeded",
            "registrationEnabled": False,
            "resolutionPolicy": "Default",
            "resourceGroup": rg,
            "tags": {},
            "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
            "virtualNetwork": {"id": vnet},
            "virtualNetworkLinkState": "Completed",
        } for ln, vnet in links],
    }


ROLE_IDS = {
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
}


def role_assignment(*, sub, principal_id, principal_name, role, scope, created, ptype="ServicePrincipal"):
    aid = fguid(f"ra/{principal_id}/{role}/{scope}")
    rg = None
    parts = scope.split("/")
    for i, p in enumerate(parts):
        if p.lower() == "resourcegroups" and i + 1 < len(parts):
            rg = parts[i + 1]
    return {
        "condition": None,
        "conditionVersion": None,
        "createdBy": fguid("creator/platform"),
        "createdOn": created,
        "delegatedManagedIdentityResourceId": None,
        "description": None,
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{aid}",
        "name": aid,
        "principalId": principal_id,
        "principalName": principal_name,
        "principalType": ptype,
        "resourceGroup": rg,
        "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{ROLE_IDS[role]}",
        "roleDefinitionName": role,
        "scope": scope,
        "type": "Microsoft.Authorization/roleAssignments",
        "updatedBy": fguid("creator/platform"),
        "updatedOn": created,
    }


def diag_setting(*, cid, rg, name, workspace, categories):
    return {
        "eventHubAuthorizationRuleId": None,
        "eventHubName": None,
        "id": f"{cid.lower()}/providers/microsoft.insights/diagnosticSettings/{name}",
        "logAnalyticsDestinationType": "Dedicated",
        "logs": [{"category": cat, "categoryGroup": None, "enabled": en,
                  "retentionPolicy": {"days": 0, "enabled": False}} for cat, en in categories],
        "marketplacePartnerId": None,
        "metrics": [{"category": "AllMetrics", "enabled": False, "retentionPolicy": {"days": 0, "enabled": False}, "timeGrain": None}],
        "name": name,
        "resourceGroup": rg,
        "serviceBusRuleId": None,
        "storageAccountId": None,
        "type": "Microsoft.Insights/diagnosticSettings",
        "workspaceId": workspace,
    }


# --------------------------------------------------------------------------------------------
# Kubernetes objects (kubectl -o json shape)

class K8s:
    """Accumulates the objects of one cluster at one snapshot."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.objs = {}  # resource -> list

    def add(self, resource, obj):
        obj["metadata"]["resourceVersion"] = rv_of(obj)
        self.objs.setdefault(resource, []).append(obj)
        return obj

    def meta(self, kind, name, ns=None, *, created, labels=None, annotations=None, owner=None,
             generation=None, generate_name=None, last_applied=None):
        m = {}
        if annotations or last_applied:
            a = dict(annotations or {})
            if last_applied is not None:
                a["kubectl.kubernetes.io/last-applied-configuration"] = json.dumps(last_applied, separators=(",", ":"), sort_keys=True) + "\n"
            m["annotations"] = dict(sorted(a.items()))
        m["creationTimestamp"] = created
        if generate_name:
            m["generateName"] = generate_name
        if generation is not None:
            m["generation"] = generation
        if labels:
            m["labels"] = dict(sorted(labels.items()))
        m["name"] = name
        if ns:
            m["namespace"] = ns
        if owner:
            okind, oname, oapi = owner
            m["ownerReferences"] = [{
                "apiVersion": oapi, "blockOwnerDeletion": True, "controller": True, "kind": okind,
                "name": oname, "uid": kuid(f"{self.cluster}/{okind}/{ns}/{oname}"),
            }]
        m["resourceVersion"] = "0"
        m["uid"] = kuid(f"{self.cluster}/{kind}/{ns}/{name}")
        return m


def last_applied_of(api, kind, name, ns, spec_key, spec, labels=None, annotations=None):
    md = {"annotations": annotations or {}, "name": name}
    if labels:
        md["labels"] = labels
    if ns:
        md["namespace"] = ns
    out = {"apiVersion": api, "kind": kind, "metadata": md}
    if spec_key:
        out[spec_key] = spec
    return out


def container(name, image, *, ports=(), env=(), env_from=(), sc=None, mounts=(), resources=None):
    c = {"image": image, "imagePullPolicy": "IfNotPresent", "name": name}
    if env:
        c["env"] = list(env)
    if env_from:
        c["envFrom"] = list(env_from)
    if ports:
        c["ports"] = [dict(p, protocol=p.get("protocol", "TCP")) for p in ports]
    c["resources"] = resources or {}
    if sc is not None:
        c["securityContext"] = sc
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    if mounts:
        c["volumeMounts"] = list(mounts)
    # keys in Go struct order are not sorted; kubectl prints them sorted for maps only.
    return dict(sorted(c.items()))


APP_RESOURCES = {"limits": {"memory": "512Mi"}, "requests": {"cpu": "250m", "memory": "256Mi"}}

RESTRICTED_SC = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "runAsUser": 10001,
}

WI_ENV = [
    {"name": "AZURE_CLIENT_ID", "value": None},
    {"name": "AZURE_TENANT_ID", "value": TENANT},
    {"name": "AZURE_FEDERATED_TOKEN_FILE", "value": "/var/run/secrets/azure/tokens/azure-identity-token"},
    {"name": "AZURE_AUTHORITY_HOST", "value": "https://login.microsoftonline.com/"},
]


def pod_spec(containers, *, sa, automount=None, volumes=(), node=None, pod_sc=None, host_network=False,
             host_pid=False, restart="Always", init=(), tolerations=None, priority_class=None):
    s = {"containers": containers, "dnsPolicy": "ClusterFirstWithHostNet" if host_network else "ClusterFirst",
         "enableServiceLinks": True}
    if automount is not None:
        s["automountServiceAccountToken"] = automount
    if host_network:
        s["hostNetwork"] = True
    if host_pid:
        s["hostPID"] = True
    if init:
        s["initContainers"] = list(init)
    if node:
        s["nodeName"] = node
    s["preemptionPolicy"] = "PreemptLowerPriority"
    if priority_class:
        s["priorityClassName"] = priority_class
        s["priority"] = 2000001000 if priority_class == "system-node-critical" else 2000000000
    else:
        s["priority"] = 0
    s["restartPolicy"] = restart
    s["schedulerName"] = "default-scheduler"
    s["securityContext"] = pod_sc or {}
    if sa:
        s["serviceAccount"] = sa
        s["serviceAccountName"] = sa
    s["terminationGracePeriodSeconds"] = 30
    s["tolerations"] = tolerations if tolerations is not None else [
        {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
    ]
    if volumes:
        s["volumes"] = list(volumes)
    return s


def kube_api_access_volume(pod_name):
    return {
        "name": "kube-api-access-" + short_hash("kaa/" + pod_name, 5),
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
            ],
        },
    }


WI_TOKEN_VOLUME = {
    "name": "azure-identity-token",
    "projected": {
        "defaultMode": 420,
        "sources": [{"serviceAccountToken": {"audience": "api://AzureADTokenExchange", "expirationSeconds": 3600, "path": "azure-identity-token"}}],
    },
}


def materialize_pod_spec(template_spec, pod_name, node, *, wi_client=None, automount_default=True):
    """What the API server and admission webhooks turn a template into: node, the projected
    service-account token volume (unless automount is off) and the workload-identity env."""
    s = copy.deepcopy(template_spec)
    s["nodeName"] = node
    # The ServiceAccount admission plugin fills these in when the template leaves them out.
    s.setdefault("serviceAccount", "default")
    s.setdefault("serviceAccountName", "default")
    s = dict(sorted(s.items()))
    automount = s.get("automountServiceAccountToken", automount_default)
    vols = list(s.get("volumes", []))
    extra_mounts = []
    if automount is not False:
        v = kube_api_access_volume(pod_name)
        vols.append(v)
        extra_mounts.append({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": v["name"], "readOnly": True})
    if wi_client:
        vols.append(copy.deepcopy(WI_TOKEN_VOLUME))
        extra_mounts.append({"mountPath": "/var/run/secrets/azure/tokens", "name": "azure-identity-token", "readOnly": True})
    if vols:
        s["volumes"] = vols
    for c in s["containers"]:
        if wi_client:
            env = list(c.get("env", []))
            for e in WI_ENV:
                e = dict(e)
                if e["name"] == "AZURE_CLIENT_ID":
                    e["value"] = wi_client
                env.append(e)
            c["env"] = env
        if extra_mounts:
            c["volumeMounts"] = list(c.get("volumeMounts", [])) + copy.deepcopy(extra_mounts)
    return s


def pod_status(spec, *, created, ip, host_ip, phase="Running", restarts=0):
    started = created
    names = [c["name"] for c in spec["containers"]]
    st = {
        "conditions": [
            {"lastProbeTime": None, "lastTransitionTime": started, "status": "True", "type": "Initialized"},
            {"lastProbeTime": None, "lastTransitionTime": started, "status": "True" if phase == "Running" else "False", "type": "Ready"},
            {"lastProbeTime": None, "lastTransitionTime": started, "status": "True" if phase == "Running" else "False", "type": "ContainersReady"},
            {"lastProbeTime": None, "lastTransitionTime": started, "status": "True", "type": "PodScheduled"},
        ],
        "containerStatuses": [],
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "phase": phase,
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "qosClass": "Burstable",
        "startTime": started,
    }
    for c in spec["containers"]:
        state = ({"running": {"startedAt": started}} if phase == "Running" else
                 {"terminated": {"containerID": "containerd://" + hashlib.sha256((ip + c["name"]).encode()).hexdigest(),
                                 "exitCode": 0, "finishedAt": started, "reason": "Completed", "startedAt": started}})
        st["containerStatuses"].append({
            "containerID": "containerd://" + hashlib.sha256((ip + c["name"]).encode()).hexdigest(),
            "image": c["image"],
            "imageID": c["image"].split(":")[0] + "@sha256:" + hashlib.sha256(c["image"].encode()).hexdigest(),
            "lastState": {},
            "name": c["name"],
            "ready": phase == "Running",
            "restartCount": restarts,
            "started": phase == "Running",
            "state": state,
        })
    return st


class Apps:
    """Helpers that emit a workload with its children the way the controllers create them."""

    def __init__(self, k, nodes, pod_cidr_prefix, created_default):
        self.k = k
        self.nodes = nodes
        self.pod_ip_prefix = pod_cidr_prefix
        self.ip_counter = 10
        self.created = created_default

    def next_ip(self):
        self.ip_counter += 1
        return f"{self.pod_ip_prefix}.{self.ip_counter // 250}.{self.ip_counter % 250 + 2}"

    def node_for(self, seed):
        n = self.nodes[int(hashlib.sha1(seed.encode()).hexdigest(), 16) % len(self.nodes)]
        return n

    def _pod(self, name, ns, template, owner, *, created, wi_client, phase="Running", generate_name=None,
             extra_labels=None, node=None):
        node = node or self.node_for(name)
        labels = dict(template["metadata"].get("labels", {}))
        labels.update(extra_labels or {})
        spec = materialize_pod_spec(template["spec"], name, node[0], wi_client=wi_client)
        ann = template["metadata"].get("annotations")
        m = self.k.meta("Pod", name, ns, created=created, labels=labels, annotations=ann, owner=owner, generate_name=generate_name)
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec,
               "status": pod_status(spec, created=created, ip=node[1] if spec.get("hostNetwork") else self.next_ip(),
                                    host_ip=node[1], phase=phase)}
        self.k.add("pods", pod)
        return pod

    def template(self, labels, spec, annotations=None):
        md = {"creationTimestamp": None, "labels": dict(sorted(labels.items()))}
        if annotations:
            md["annotations"] = annotations
        return {"metadata": md, "spec": spec}

    def deployment(self, name, ns, *, replicas, template, revision, created=None, rollout_at=None, labels=None,
                   wi_client=None, old_revisions=(), last_applied=False, annotations=None, selector=None):
        created = created or self.created
        rollout_at = rollout_at or created
        sel = selector or {"app.kubernetes.io/name": name}
        labels = labels or {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": ns}
        dep_ann = {"deployment.kubernetes.io/revision": str(revision)}
        dep_ann.update(annotations or {})
        la = None
        if last_applied:
            la = last_applied_of("apps/v1", "Deployment", name, ns, "spec",
                                 {"replicas": replicas, "selector": {"matchLabels": sel}, "template": template}, labels=labels)
        spec = {
            "progressDeadlineSeconds": 600, "replicas": replicas, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": sel},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
            "template": template,
        }
        d = {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": self.k.meta("Deployment", name, ns, created=created, labels=labels, annotations=dep_ann,
                                     generation=revision, last_applied=la),
             "spec": spec,
             "status": {"availableReplicas": replicas, "conditions": [
                 {"lastTransitionTime": created, "lastUpdateTime": created, "message": "Deployment has minimum availability.",
                  "reason": "MinimumReplicasAvailable", "status": "True", "type": "Available"},
                 {"lastTransitionTime": created, "lastUpdateTime": rollout_at,
                  "message": f'ReplicaSet "{name}-{short_hash(json.dumps(template, sort_keys=True), 10)}" has successfully progressed.',
                  "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing"}],
                 "observedGeneration": revision, "readyReplicas": replicas, "replicas": replicas, "updatedReplicas": replicas}}
        self.k.add("deployments", d)
        # Older revisions linger as ReplicaSets scaled to zero.
        for rev, old_template, old_created in old_revisions:
            self._replicaset(name, ns, old_template, rev, 0, old_created, sel, wi_client)
        self._replicaset(name, ns, template, revision, replicas, rollout_at, sel, wi_client)
        return d

    def _replicaset(self, dep, ns, template, revision, replicas, created, sel, wi_client):
        hash_ = short_hash(json.dumps(template, sort_keys=True), 10)
        rs_name = f"{dep}-{hash_}"
        t = copy.deepcopy(template)
        t["metadata"]["labels"]["pod-template-hash"] = hash_
        t["metadata"]["labels"] = dict(sorted(t["metadata"]["labels"].items()))
        rs_sel = dict(sel, **{"pod-template-hash": hash_})
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": self.k.meta("ReplicaSet", rs_name, ns, created=created,
                                      labels=t["metadata"]["labels"],
                                      annotations={"deployment.kubernetes.io/desired-replicas": str(replicas),
                                                   "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                                                   "deployment.kubernetes.io/revision": str(revision)},
                                      owner=("Deployment", dep, "apps/v1"), generation=1 if replicas else 2),
              "spec": {"replicas": replicas, "selector": {"matchLabels": rs_sel}, "template": t},
              "status": ({"availableReplicas": replicas, "fullyLabeledReplicas": replicas, "observedGeneration": 1,
                          "readyReplicas": replicas, "replicas": replicas} if replicas else
                         {"observedGeneration": 2, "replicas": 0})}
        self.k.add("replicasets", rs)
        for i in range(replicas):
            pname = f"{rs_name}-{short_hash(rs_name + str(i), 5)}"
            self._pod(pname, ns, t, ("ReplicaSet", rs_name, "apps/v1"), created=created, wi_client=wi_client,
                      generate_name=rs_name + "-")

    def statefulset(self, name, ns, *, replicas, template, created=None, wi_client=None, service=None, storage="8Gi"):
        created = created or self.created
        sel = {"app.kubernetes.io/name": name}
        rev = f"{name}-{short_hash(json.dumps(template, sort_keys=True), 10)}"
        sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": self.k.meta("StatefulSet", name, ns, created=created, labels=sel, generation=1),
               "spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                        "podManagementPolicy": "OrderedReady", "replicas": replicas, "revisionHistoryLimit": 10,
                        "selector": {"matchLabels": sel}, "serviceName": service or name, "template": template,
                        "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
                        "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                                  "metadata": {"creationTimestamp": None, "name": "data"},
                                                  "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}},
                                                           "storageClassName": "managed-csi-premium", "volumeMode": "Filesystem"},
                                                  "status": {"phase": "Pending"}}]},
               "status": {"availableReplicas": replicas, "collisionCount": 0, "currentReplicas": replicas, "currentRevision": rev,
                          "observedGeneration": 1, "readyReplicas": replicas, "replicas": replicas, "updateRevision": rev,
                          "updatedReplicas": replicas}}
        self.k.add("statefulsets", sts)
        for i in range(replicas):
            t = copy.deepcopy(template)
            t["metadata"]["labels"].update({"apps.kubernetes.io/pod-index": str(i), "controller-revision-hash": rev,
                                            "statefulset.kubernetes.io/pod-name": f"{name}-{i}"})
            t["spec"]["hostname"] = f"{name}-{i}"
            t["spec"]["subdomain"] = service or name
            vols = list(t["spec"].get("volumes", []))
            vols.insert(0, {"name": "data", "persistentVolumeClaim": {"claimName": f"data-{name}-{i}"}})
            t["spec"]["volumes"] = vols
            self._pod(f"{name}-{i}", ns, t, ("StatefulSet", name, "apps/v1"), created=created, wi_client=wi_client,
                      generate_name=name + "-")
        return sts

    def daemonset(self, name, ns, *, template, created=None, labels=None):
        created = created or self.created
        sel = labels or {"k8s-app": name}
        n = len(self.nodes)
        ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
              "metadata": self.k.meta("DaemonSet", name, ns, created=created,
                                      labels=dict(sel, **{"addonmanager.kubernetes.io/mode": "Reconcile"}),
                                      annotations={"deprecated.daemonset.template.generation": "1"}, generation=1),
              "spec": {"revisionHistoryLimit": 10, "selector": {"matchLabels": sel}, "template": template,
                       "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}},
              "status": {"currentNumberScheduled": n, "desiredNumberScheduled": n, "numberAvailable": n,
                         "numberMisscheduled": 0, "numberReady": n, "observedGeneration": 1, "updatedNumberScheduled": n}}
        self.k.add("daemonsets", ds)
        rev = short_hash(json.dumps(template, sort_keys=True), 10)
        for node in self.nodes:
            t = copy.deepcopy(template)
            t["metadata"]["labels"].update({"controller-revision-hash": rev, "pod-template-generation": "1"})
            pname = f"{name}-{short_hash(name + node[0], 5)}"
            self._pod(pname, ns, t, ("DaemonSet", name, "apps/v1"), created=created, wi_client=None,
                      generate_name=name + "-", node=node)
        return ds

    def cronjob(self, name, ns, *, schedule, template, last_run, created=None, wi_client=None):
        created = created or self.created
        cj = {"apiVersion": "batch/v1", "kind": "CronJob",
              "metadata": self.k.meta("CronJob", name, ns, created=created, labels={"app.kubernetes.io/name": name}, generation=1),
              "spec": {"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1,
                       "jobTemplate": {"metadata": {"creationTimestamp": None},
                                       "spec": {"backoffLimit": 2, "template": template}},
                       "schedule": schedule, "successfulJobsHistoryLimit": 1, "suspend": False},
              "status": {"lastScheduleTime": last_run, "lastSuccessfulTime": last_run}}
        self.k.add("cronjobs", cj)
        # Job name suffix is the scheduled time in minutes since the epoch, as the controller does.
        import datetime
        t = datetime.datetime.strptime(last_run, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        job_name = f"{name}-{int(t.timestamp() // 60)}"
        job_uid = kuid(f"{self.k.cluster}/Job/{ns}/{job_name}")
        jt = copy.deepcopy(template)
        jt["metadata"]["labels"].update({"batch.kubernetes.io/controller-uid": job_uid, "batch.kubernetes.io/job-name": job_name,
                                         "controller-uid": job_uid, "job-name": job_name})
        job = {"apiVersion": "batch/v1", "kind": "Job",
               "metadata": self.k.meta("Job", job_name, ns, created=last_run,
                                       labels={"batch.kubernetes.io/controller-uid": job_uid, "batch.kubernetes.io/job-name": job_name,
                                               "controller-uid": job_uid, "job-name": job_name},
                                       owner=("CronJob", name, "batch/v1"), generation=1),
               "spec": {"backoffLimit": 2, "completionMode": "NonIndexed", "completions": 1, "manualSelector": False,
                        "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed",
                        "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": job_uid}},
                        "suspend": False, "template": jt},
               "status": {"completionTime": last_run, "conditions": [
                   {"lastProbeTime": last_run, "lastTransitionTime": last_run, "message": "Reached expected number of succeeded pods",
                    "reason": "CompletionsReached", "status": "True", "type": "SuccessCriteriaMet"},
                   {"lastProbeTime": last_run, "lastTransitionTime": last_run, "message": "Reached expected number of succeeded pods",
                    "reason": "CompletionsReached", "status": "True", "type": "Complete"}],
                   "ready": 0, "startTime": last_run, "succeeded": 1, "terminating": 0, "uncountedTerminatedPods": {}}}
        self.k.add("jobs", job)
        self._pod(f"{job_name}-{short_hash(job_name, 5)}", ns, jt, ("Job", job_name, "batch/v1"), created=last_run,
                  wi_client=wi_client, phase="Succeeded", generate_name=job_name + "-")
        return cj


def namespace(k, name, created, labels=None, annotations=None):
    lab = {"kubernetes.io/metadata.name": name}
    lab.update(labels or {})
    k.add("namespaces", {"apiVersion": "v1", "kind": "Namespace",
                         "metadata": k.meta("Namespace", name, created=created, labels=lab, annotations=annotations),
                         "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})


def service_account(k, name, ns, created, *, annotations=None, labels=None, automount=None, image_pull=None):
    sa = {"apiVersion": "v1", "kind": "ServiceAccount",
          "metadata": k.meta("ServiceAccount", name, ns, created=created, labels=labels, annotations=annotations)}
    if automount is not None:
        sa["automountServiceAccountToken"] = automount
    if image_pull:
        sa["imagePullSecrets"] = [{"name": n} for n in image_pull]
    k.add("serviceaccounts", sa)


def configmap(k, name, ns, created, data, labels=None, annotations=None):
    k.add("configmaps", {"apiVersion": "v1", "data": dict(sorted(data.items())), "kind": "ConfigMap",
                         "metadata": k.meta("ConfigMap", name, ns, created=created, labels=labels, annotations=annotations)})


ROOT_CA_PLACEHOLDER = "-----BEGIN CERTIFICATE-----\nREDACTED-DEMO-CLUSTER-CA\n-----END CERTIFICATE-----\n"


def secret(k, name, ns, created, keys, *, type_="Opaque", labels=None, annotations=None, last_applied=False):
    data = {key: FAKE_SECRET_B64 for key in keys}
    la = None
    if last_applied:
        la = last_applied_of("v1", "Secret", name, ns, "data", data)
        la["type"] = type_
    k.add("secrets", {"apiVersion": "v1", "data": data, "kind": "Secret",
                      "metadata": k.meta("Secret", name, ns, created=created, labels=labels, annotations=annotations, last_applied=la),
                      "type": type_})


def service(k, name, ns, created, *, type_="ClusterIP", ports, selector, cluster_ip, annotations=None, labels=None,
            lb_ip=None, headless=False, source_ranges=None, last_applied=False):
    spec = {"clusterIP": "None" if headless else cluster_ip, "clusterIPs": ["None" if headless else cluster_ip],
            "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
            "ports": ports, "sessionAffinity": "None", "type": type_}
    if selector is not None:
        spec["selector"] = selector
    if type_ in ("LoadBalancer", "NodePort"):
        spec["externalTrafficPolicy"] = "Cluster"
    if type_ == "LoadBalancer":
        spec["allocateLoadBalancerNodePorts"] = True
    if source_ranges:
        spec["loadBalancerSourceRanges"] = source_ranges
    status = {"loadBalancer": {"ingress": [{"ip": lb_ip, "ipMode": "VIP"}]} if lb_ip else {}}
    la = None
    if last_applied:
        la = last_applied_of("v1", "Service", name, ns, "spec",
                             {"ports": [{k2: v for k2, v in p.items() if k2 != "nodePort"} for p in ports],
                              "selector": selector, "type": type_}, annotations=annotations)
    k.add("services", {"apiVersion": "v1", "kind": "Service",
                       "metadata": k.meta("Service", name, ns, created=created, labels=labels, annotations=annotations, last_applied=la),
                       "spec": spec, "status": status})


def port(name, port_, target, node_port=None, protocol="TCP"):
    p = {"name": name, "port": port_, "protocol": protocol, "targetPort": target}
    if node_port:
        p["nodePort"] = node_port
    return p


def ingress(k, name, ns, created, *, class_name, rules, tls=None, lb_ip=None, annotations=None):
    spec = {"ingressClassName": class_name,
            "rules": [{"host": h, "http": {"paths": [{"backend": {"service": {"name": svc, "port": {"number": p}}},
                                                       "path": path, "pathType": "Prefix"}]}} for h, path, svc, p in rules]}
    if tls:
        spec["tls"] = [{"hosts": hosts, "secretName": sn} for hosts, sn in tls]
    k.add("ingresses", {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                        "metadata": k.meta("Ingress", name, ns, created=created, annotations=annotations, generation=1),
                        "spec": spec,
                        "status": {"loadBalancer": {"ingress": [{"ip": lb_ip}]} if lb_ip else {}}})


def netpol(k, name, ns, created, *, selector=None, types, ingress_rules=None, egress_rules=None):
    spec = {"podSelector": {"matchLabels": selector} if selector else {}, "policyTypes": types}
    if ingress_rules is not None:
        spec["ingress"] = ingress_rules
    if egress_rules is not None:
        spec["egress"] = egress_rules
    la = last_applied_of("networking.k8s.io/v1", "NetworkPolicy", name, ns, "spec", spec)
    k.add("networkpolicies", {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                              "metadata": k.meta("NetworkPolicy", name, ns, created=created, generation=1, last_applied=la),
                              "spec": spec})


def default_deny(k, ns, created):
    netpol(k, "default-deny-all", ns, created, types=["Ingress", "Egress"])


def allow_dns(k, ns, created):
    netpol(k, "allow-dns-egress", ns, created, types=["Egress"], egress_rules=[{
        "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
        "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}]}])


def rule(groups, resources, verbs, names=None):
    r = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if names:
        r["resourceNames"] = names
    return r


def role(k, kind, name, ns, created, rules, *, labels=None, annotations=None, aggregation=None):
    api = "rbac.authorization.k8s.io/v1"
    obj = {"apiVersion": api, "kind": kind,
           "metadata": k.meta(kind, name, ns, created=created, labels=labels, annotations=annotations)}
    if aggregation:
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {m: "true"}} for m in aggregation]}
    obj["rules"] = rules
    k.add("clusterroles" if kind == "ClusterRole" else "roles", obj)


def binding(k, kind, name, ns, created, role_kind, role_name, subjects, *, labels=None, annotations=None, last_applied=False):
    subs = []
    for skind, sname, sns in subjects:
        s = {"kind": skind, "name": sname}
        if skind == "ServiceAccount":
            s["namespace"] = sns
        else:
            s["apiGroup"] = "rbac.authorization.k8s.io"
        subs.append(s)
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name}
    la = None
    if last_applied:
        la = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
              "metadata": dict({"annotations": {}, "name": name}, **({"namespace": ns} if ns else {})),
              "roleRef": ref, "subjects": subs}
    obj = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
           "metadata": k.meta(kind, name, ns, created=created, labels=labels, annotations=annotations, last_applied=la),
           "roleRef": ref, "subjects": subs}
    k.add("clusterrolebindings" if kind == "ClusterRoleBinding" else "rolebindings", obj)


def builtin_rbac(k, created, *, extra_system=True):
    """A representative slice of the roles the API server bootstraps (rbac-defaults)."""
    boot = {"kubernetes.io/bootstrapping": "rbac-defaults"}
    auto = {"rbac.authorization.kubernetes.io/autoupdate": "true"}
    role(k, "ClusterRole", "cluster-admin", None, created,
         [rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}], labels=boot, annotations=auto)
    role(k, "ClusterRole", "admin", None, created, [], labels=boot, annotations=auto,
         aggregation=["rbac.authorization.k8s.io/aggregate-to-admin"])
    role(k, "ClusterRole", "edit", None, created, [], labels=dict(boot, **{"rbac.authorization.k8s.io/aggregate-to-admin": "true"}),
         annotations=auto, aggregation=["rbac.authorization.k8s.io/aggregate-to-edit"])
    role(k, "ClusterRole", "view", None, created, [], labels=dict(boot, **{"rbac.authorization.k8s.io/aggregate-to-edit": "true"}),
         annotations=auto, aggregation=["rbac.authorization.k8s.io/aggregate-to-view"])
    role(k, "ClusterRole", "system:basic-user", None, created,
         [rule(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"]),
          rule(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"])], labels=boot, annotations=auto)
    role(k, "ClusterRole", "system:public-info-viewer", None, created,
         [{"nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"], "verbs": ["get"]}],
         labels=boot, annotations=auto)
    role(k, "ClusterRole", "system:controller:clusterrole-aggregation-controller", None, created,
         [rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["escalate", "get", "list", "patch", "update", "watch"])],
         labels=boot, annotations=auto)
    binding(k, "ClusterRoleBinding", "cluster-admin", None, created, "ClusterRole", "cluster-admin",
            [("Group", "system:masters", None)], labels=boot, annotations=auto)
    binding(k, "ClusterRoleBinding", "system:basic-user", None, created, "ClusterRole", "system:basic-user",
            [("Group", "system:authenticated", None)], labels=boot, annotations=auto)
    binding(k, "ClusterRoleBinding", "system:public-info-viewer", None, created, "ClusterRole", "system:public-info-viewer",
            [("Group", "system:authenticated", None), ("Group", "system:unauthenticated", None)], labels=boot, annotations=auto)
    binding(k, "ClusterRoleBinding", "system:controller:clusterrole-aggregation-controller", None, created, "ClusterRole",
            "system:controller:clusterrole-aggregation-controller",
            [("ServiceAccount", "clusterrole-aggregation-controller", "kube-system")], labels=boot, annotations=auto)
    role(k, "Role", "system:controller:bootstrap-signer", "kube-system", created,
         [rule([""], ["secrets"], ["get", "list", "watch"])], labels=boot, annotations=auto)
    binding(k, "RoleBinding", "system:controller:bootstrap-signer", "kube-system", created, "Role",
            "system:controller:bootstrap-signer", [("ServiceAccount", "bootstrap-signer", "kube-system")],
            labels=boot, annotations=auto)


def spc(k, name, ns, created, *, vault, client_id=None, vm_identity=None, objects, secret_objects=None):
    objs_yaml = "array:\n" + "".join(
        f"  - |\n    objectName: {o}\n    objectType: {t}\n" for o, t in objects)
    params = {"keyvaultName": vault, "objects": objs_yaml, "tenantId": TENANT, "usePodIdentity": "false"}
    if client_id:
        params["clientID"] = client_id
    if vm_identity:
        params["useVMManagedIdentity"] = "true"
        params["userAssignedIdentityID"] = vm_identity
    spec = {"parameters": params, "provider": "azure"}
    if secret_objects:
        spec["secretObjects"] = secret_objects
    k.add("secretproviderclasses", {
        "apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
        "metadata": k.meta("SecretProviderClass", name, ns, created=created, generation=1,
                           last_applied=last_applied_of("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass", name, ns, "spec", spec)),
        "spec": spec})


def csi_volume(spc_name):
    return {"csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True, "volumeAttributes": {"secretProviderClass": spc_name}},
            "name": "secrets-store"}


def system_namespace_objects(k, apps, created, *, coredns_image, extra_ns=()):
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system", *extra_ns]:
        namespace(k, ns, created)
        service_account(k, "default", ns, created)
        configmap(k, "kube-root-ca.crt", ns, created, {"ca.crt": ROOT_CA_PLACEHOLDER},
                  annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."})
    service(k, "kubernetes", "default", created, ports=[port("https", 443, 443)], selector=None, cluster_ip="10.0.0.1",
            labels={"component": "apiserver", "provider": "kubernetes"})
    service(k, "kube-dns", "kube-system", created, ports=[port("dns", 53, 53, protocol="UDP"), port("dns-tcp", 53, 53)],
            selector={"k8s-app": "kube-dns"}, cluster_ip="10.0.0.10",
            labels={"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                    "kubernetes.io/name": "CoreDNS"})
    service_account(k, "coredns", "kube-system", created, labels={"addonmanager.kubernetes.io/mode": "Reconcile"})
    tpl = apps.template({"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "version": "v20"},
                        pod_spec([container("coredns", coredns_image, resources={"limits": {"memory": "500Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                                            ports=[{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                                   {"containerPort": 53, "name": "dns-tcp"}],
                                            sc={"allowPrivilegeEscalation": False, "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                                                "procMount": "Default", "readOnlyRootFilesystem": True},
                                            mounts=[{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": True}])],
                                 sa="coredns", volumes=[{"configMap": {"defaultMode": 420, "items": [{"key": "Corefile", "path": "Corefile"}],
                                                                       "name": "coredns"}, "name": "config-volume"}],
                                 priority_class="system-node-critical",
                                 tolerations=[{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                              {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                                              {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}]))
    apps.deployment("coredns", "kube-system", replicas=2, template=tpl, revision=1,
                    labels={"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                            "kubernetes.io/name": "CoreDNS", "version": "v20"}, selector={"k8s-app": "kube-dns"})
    configmap(k, "coredns", "kube-system", created, {"Corefile": ".:53 {\n    errors\n    ready\n    health\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n    import custom/*.override\n}\nimport custom/*.server\n"},
              labels={"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true"})


# --------------------------------------------------------------------------------------------
# Cluster 1: prod-hardened

def prod_hardened(snap, when):
    """snap 0..2. Fix at 1: reporting namespace gets its default-deny policy.
    Regression at 2: a public LoadBalancer, a cluster-admin binding to a User, and hostile names."""
    sub, rg, name, loc = "00000000-0000-0000-0000-000000000001", "rg-payments-prod", "aks-payments-prod", "westeurope"
    net_rg = "rg-payments-prod-network"
    vnet = f"{rg_id(sub, net_rg)}/providers/Microsoft.Network/virtualNetworks/vnet-payments-prod"
    snet_nodes = vnet + "/subnets/snet-aks-nodes"
    snet_pe = vnet + "/subnets/snet-private-endpoints"
    node_rg = f"MC_{rg}_{name}_{loc}"
    law = f"/subscriptions/{sub}/resourceGroups/rg-payments-prod-ops/providers/Microsoft.OperationalInsights/workspaces/law-payments-prod"
    uai_id = f"{rg_id(sub, rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-payments-prod"
    uai = {"clientId": fguid("prod/uai/client"), "principalId": fguid("prod/uai/principal")}
    kubelet = {"clientId": fguid("prod/kubelet/client"), "objectId": fguid("prod/kubelet/object"),
               "resourceId": f"/subscriptions/{sub}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}-agentpool"}
    wi_payments = fguid("prod/wi/payments-api/client")
    wi_reporting = fguid("prod/wi/reporting/client")
    kms_vault = f"{rg_id(sub, rg)}/providers/Microsoft.KeyVault/vaults/kv-payments-prod-kms"
    app_vault = f"{rg_id(sub, rg)}/providers/Microsoft.KeyVault/vaults/kv-payments-prod"
    acr_name = "crpaymentsprod"
    acr_id = f"{rg_id(sub, rg)}/providers/Microsoft.ContainerRegistry/registries/{acr_name}"
    reg = f"{acr_name}.azurecr.io"
    k8s = "1.34.2"
    node_image = "AzureLinux-V3gen2-202611.03.0" if snap < 1 else "AzureLinux-V3gen2-202611.24.0"

    pools = [
        pool_profile("system", mode="System", count=2, vm="Standard_D4ds_v5", os_sku="AzureLinux", k8s=k8s, node_image=node_image,
                     subnet=snet_nodes, ssh="Disabled", enc_host=True, autoscale=(2, 5),
                     taints=["CriticalAddonsOnly=true:NoSchedule"]),
        pool_profile("apps", mode="User", count=2, vm="Standard_D8ds_v5", os_sku="AzureLinux", k8s=k8s, node_image=node_image,
                     subnet=snet_nodes, ssh="Disabled", enc_host=True, autoscale=(2, 10)),
    ]
    c = {
        "sub": sub, "rg": rg, "name": name, "location": loc, "k8s": k8s, "dnsPrefix": "aks-payments-prod",
        "disableLocalAccounts": True, "enableRbac": True, "pools": pools,
        "tags": {"costCenter": "payments", "environment": "prod", "owner": "platform-team"},
        "aad": {"adminGroupObjectIds": None, "adminUsers": None, "clientAppId": None, "enableAzureRbac": True,
                "managed": True, "serverAppId": None, "serverAppSecret": None, "tenantId": TENANT},
        "addons": {
            "azureKeyvaultSecretsProvider": {"config": {"enableSecretRotation": "true", "rotationPollInterval": "2m"}, "enabled": True,
                                             "identity": addon_identity(sub, node_rg, f"azurekeyvaultsecretsprovider-{name}", "prod/csi")},
            "azurepolicy": {"config": None, "enabled": True, "identity": addon_identity(sub, node_rg, f"azurepolicy-{name}", "prod/policy")},
            "omsagent": {"config": {"logAnalyticsWorkspaceResourceID": law, "useAADAuth": "true"}, "enabled": True,
                         "identity": addon_identity(sub, node_rg, f"omsagent-{name}", "prod/oms")},
        },
        "apiserver": {"authorizedIpRanges": None, "disableRunCommand": True, "enablePrivateCluster": True,
                      "enablePrivateClusterPublicFqdn": False, "enableVnetIntegration": None, "privateDnsZone": "system", "subnetId": None},
        "autoupgrade": {"nodeOsUpgradeChannel": "NodeImage", "upgradeChannel": "stable"},
        "azureMonitorProfile": {"metrics": {"enabled": True, "kubeStateMetrics": {"metricAnnotationsAllowList": "", "metricLabelsAllowlist": ""}}},
        "privateFqdn": f"aks-payments-prod-{fguid('prod/fqdn')[-8:]}.{fguid('prod/fqdn2')[-12:]}.privatelink.{loc}.azmk8s.io",
        "portalFqdn": f"aks-payments-prod-{fguid('prod/fqdn')[-8:]}.portal.hcp.{loc}.azmk8s.io",
        "identity": {"delegatedResources": None, "principalId": None, "tenantId": None, "type": "UserAssigned",
                     "userAssignedIdentities": {uai_id: uai}},
        "identityProfile": {"kubeletidentity": kubelet},
        "ingressProfile": {"webAppRouting": {"dnsZoneResourceIds": None, "enabled": True,
                                             "identity": addon_identity(sub, node_rg, "webapprouting-" + name, "prod/webapprouting"),
                                             "nginx": {"defaultIngressControllerType": "Internal"}}},
        "oidc": {"enabled": True, "issuerUrl": f"https://{loc}.oic.prod-aks.azure.com/{TENANT}/{fguid('prod/oidc')}/"},
        "network": {"advancedNetworking": None, "dnsServiceIp": "10.0.0.10", "ipFamilies": ["IPv4"], "loadBalancerProfile": None,
                    "loadBalancerSku": "standard", "natGatewayProfile": None, "networkDataplane": "cilium", "networkMode": None,
                    "networkPlugin": "azure", "networkPluginMode": "overlay", "networkPolicy": "cilium",
                    "outboundType": "userDefinedRouting", "podCidr": "192.168.0.0/16", "podCidrs": ["192.168.0.0/16"],
                    "serviceCidr": "10.0.0.0/16", "serviceCidrs": ["10.0.0.0/16"], "staticEgressGatewayProfile": None},
        "securityProfile": {
            "azureKeyVaultKms": {"enabled": True, "keyId": f"https://kv-payments-prod-kms.vault.azure.net/keys/etcd-kms/{hashlib.sha1(b'prod/kmskeyver').hexdigest()[:32]}",
                                 "keyVaultNetworkAccess": "Private", "keyVaultResourceId": kms_vault},
            "customCaTrustCertificates": None,
            "defender": {"logAnalyticsWorkspaceResourceId": law, "securityMonitoring": {"enabled": True}},
            "imageCleaner": {"enabled": True, "intervalHours": 168},
            "imageIntegrity": None,
            "nodeRestriction": None,
            "workloadIdentity": {"enabled": True},
        },
        "skuTier": "Standard",
    }
    cluster = aks_show(c, snap)
    nodepools = [nodepool_list_item(p, sub, rg, name) for p in pools]

    pe_acr = private_endpoint(sub=sub, rg=net_rg, name="pe-crpaymentsprod", loc=loc, subnet_id=snet_pe, target_id=acr_id, group="registry",
                              ip="10.20.8.5", zone_id=f"{rg_id(sub, net_rg)}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io",
                              fqdn=f"{acr_name}.privatelink.azurecr.io")
    pe_kv = private_endpoint(sub=sub, rg=net_rg, name="pe-kv-payments-prod", loc=loc, subnet_id=snet_pe, target_id=app_vault, group="vault",
                             ip="10.20.8.6", zone_id=f"{rg_id(sub, net_rg)}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net",
                             fqdn="kv-payments-prod.privatelink.vaultcore.azure.net")
    pe_kms = private_endpoint(sub=sub, rg=net_rg, name="pe-kv-payments-prod-kms", loc=loc, subnet_id=snet_pe, target_id=kms_vault, group="vault",
                              ip="10.20.8.7", zone_id=f"{rg_id(sub, net_rg)}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net",
                              fqdn="kv-payments-prod-kms.privatelink.vaultcore.azure.net")
    pes = [pe_acr, pe_kv, pe_kms]
    acr = [acr_doc(sub=sub, rg=rg, name=acr_name, loc=loc, sku="Premium", admin=False, anon=False, public="Disabled",
                   default_action="Deny", pe_conns=[acr_pe_conn(acr_id, pe_acr["id"], rg)], created="2026-02-11T10:02:37.164389+00:00",
                   arm_policy="disabled", tags={"environment": "prod"})]
    kvs = [
        keyvault_doc(sub=sub, rg=rg, name="kv-payments-prod", loc=loc, rbac=True, soft_delete=True, purge=True, public="Disabled",
                     acl_default="Deny", access_policies=[], pe_conns=[kv_pe_conn(app_vault, pe_kv["id"], rg)], sku="premium",
                     tags={"environment": "prod"}),
        keyvault_doc(sub=sub, rg=rg, name="kv-payments-prod-kms", loc=loc, rbac=True, soft_delete=True, purge=True, public="Disabled",
                     acl_default="Deny", access_policies=[], pe_conns=[kv_pe_conn(kms_vault, pe_kms["id"], rg)], sku="premium",
                     tags={"environment": "prod", "purpose": "etcd-kms"}),
    ]
    zones = [
        dns_zone(sub=sub, rg=net_rg, name="privatelink.azurecr.io", records=3, links=[("link-vnet-payments-prod", vnet)]),
        dns_zone(sub=sub, rg=net_rg, name="privatelink.vaultcore.azure.net", records=3, links=[("link-vnet-payments-prod", vnet)]),
    ]
    created_ra = "2026-02-11T10:40:12.405811+00:00"
    ras = [
        role_assignment(sub=sub, principal_id=uai["principalId"], principal_name=uai["clientId"], role="Network Contributor",
                        scope=snet_nodes, created=created_ra),
        role_assignment(sub=sub, principal_id=uai["principalId"], principal_name=uai["clientId"], role="Key Vault Crypto User",
                        scope=kms_vault, created=created_ra),
        role_assignment(sub=sub, principal_id=uai["principalId"], principal_name=uai["clientId"], role="Managed Identity Operator",
                        scope=kubelet["resourceId"].replace("resourcegroups", "resourceGroups"), created=created_ra),
        role_assignment(sub=sub, principal_id=kubelet["objectId"], principal_name=kubelet["clientId"], role="AcrPull",
                        scope=acr_id, created=created_ra),
        role_assignment(sub=sub, principal_id=fguid("prod/wi/payments-api/object"), principal_name=wi_payments,
                        role="Key Vault Secrets User", scope=app_vault, created=created_ra),
        role_assignment(sub=sub, principal_id=fguid("prod/wi/reporting/object"), principal_name=wi_reporting,
                        role="Storage Blob Data Reader",
                        scope=f"{rg_id(sub, rg)}/providers/Microsoft.Storage/storageAccounts/stpaymentsreports/blobServices/default/containers/reports",
                        created=created_ra),
    ]
    diags = [diag_setting(cid=cluster["id"], rg=rg, name="aks-audit-to-law", workspace=law,
                          categories=[("kube-apiserver", False), ("kube-audit", True), ("kube-audit-admin", True),
                                      ("kube-controller-manager", True), ("kube-scheduler", False), ("cluster-autoscaler", True),
                                      ("guard", True), ("cloud-controller-manager", False), ("csi-azuredisk-controller", False)])]

    # ---------------- Kubernetes
    k = K8s("prod")
    t0 = "2026-02-11T10:25:41Z"
    tapp = "2026-03-04T14:12:09Z"
    nodes = [(f"aks-apps-{fguid('prod/vmss')[-8:]}-vmss00000{i}", f"10.20.0.{4 + i}") for i in range(2)]
    sysnodes = [(f"aks-system-{fguid('prod/vmss-sys')[-8:]}-vmss00000{i}", f"10.20.0.{20 + i}") for i in range(2)]
    apps = Apps(k, nodes, "192.168", t0)
    sysapps = Apps(k, sysnodes, "192.168", t0)
    sysapps.ip_counter = 600
    system_namespace_objects(k, sysapps, t0, coredns_image="mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.12.1-2",
                             extra_ns=["app-routing-system", "gatekeeper-system"])
    builtin_rbac(k, t0)

    # kube-system DaemonSet: Cilium agent (system namespace: privileged and hostNetwork are expected)
    service_account(k, "cilium", "kube-system", t0, labels={"addonmanager.kubernetes.io/mode": "Reconcile"})
    all_nodes_apps = Apps(k, sysnodes + nodes, "192.168", t0)
    all_nodes_apps.ip_counter = 900
    cilium_tpl = all_nodes_apps.template({"k8s-app": "cilium", "kubernetes.azure.com/ebpf-dataplane": "cilium"}, pod_spec(
        [container("cilium-agent", "mcr.microsoft.com/containernetworking/cilium/cilium:v1.17.7-251014",
                   sc={"capabilities": {"add": ["CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_MODULE", "SYS_ADMIN",
                                                "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"], "drop": ["ALL"]},
                       "privileged": False, "seLinuxOptions": {"level": "s0", "type": "spc_t"}},
                   mounts=[{"mountPath": "/sys/fs/bpf", "mountPropagation": "HostToContainer", "name": "bpf-maps"},
                           {"mountPath": "/var/run/cilium", "name": "cilium-run"}])],
        sa="cilium", host_network=True, priority_class="system-node-critical",
        volumes=[{"hostPath": {"path": "/sys/fs/bpf", "type": "DirectoryOrCreate"}, "name": "bpf-maps"},
                 {"hostPath": {"path": "/var/run/cilium", "type": "DirectoryOrCreate"}, "name": "cilium-run"}],
        tolerations=[{"operator": "Exists"}]))
    all_nodes_apps.daemonset("cilium", "kube-system", template=cilium_tpl)

    # app-routing (internal nginx)
    service_account(k, "nginx", "app-routing-system", t0, labels={"app.kubernetes.io/managed-by": "aks-app-routing-operator"})
    nginx_tpl = sysapps.template({"app": "nginx", "app.kubernetes.io/component": "ingress-controller",
                                  "app.kubernetes.io/managed-by": "aks-app-routing-operator"}, pod_spec(
        [container("controller", "mcr.microsoft.com/oss/kubernetes/ingress/nginx-ingress-controller:v1.12.7",
                   ports=[{"containerPort": 8080, "name": "http"}, {"containerPort": 8443, "name": "https"}],
                   sc={"allowPrivilegeEscalation": False, "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                       "runAsNonRoot": True, "runAsUser": 101})], sa="nginx"))
    sysapps.deployment("nginx", "app-routing-system", replicas=1, template=nginx_tpl, revision=1,
                       labels={"app.kubernetes.io/component": "ingress-controller", "app.kubernetes.io/managed-by": "aks-app-routing-operator"},
                       selector={"app": "nginx"})
    service(k, "nginx", "app-routing-system", t0, type_="LoadBalancer",
            ports=[port("http", 80, "http", node_port=31380), port("https", 443, "https", node_port=31443)],
            selector={"app": "nginx"}, cluster_ip="10.0.112.40", lb_ip="10.20.0.200",
            annotations={"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
            labels={"app.kubernetes.io/managed-by": "aks-app-routing-operator"})

    # gatekeeper (Azure Policy add-on)
    service_account(k, "gatekeeper-admin", "gatekeeper-system", t0, labels={"addonmanager.kubernetes.io/mode": "Reconcile"})

    # --- payments namespace
    for ns in ["payments", "ledger", "reporting"]:
        namespace(k, ns, tapp, labels={"pod-security.kubernetes.io/enforce": "restricted", "team": "payments"})
        service_account(k, "default", ns, tapp, automount=False)
        configmap(k, "kube-root-ca.crt", ns, tapp, {"ca.crt": ROOT_CA_PLACEHOLDER},
                  annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."})
        if ns != "reporting" or snap >= 1:
            default_deny(k, ns, tapp if ns != "reporting" else "2026-11-27T16:48:02Z")
            allow_dns(k, ns, tapp if ns != "reporting" else "2026-11-27T16:48:02Z")

    service_account(k, "payments-api", "payments", tapp, automount=False,
                    annotations={"azure.workload.identity/client-id": wi_payments, "azure.workload.identity/tenant-id": TENANT})
    payments_image = f"{reg}/payments/api:1.14.2" if snap == 0 else f"{reg}/payments/api:1.14.3"

    def payments_template(image):
        return apps.template({"app.kubernetes.io/name": "payments-api", "app.kubernetes.io/part-of": "payments",
                              "azure.workload.identity/use": "true"}, pod_spec(
            [container("api", image, ports=[{"containerPort": 8080, "name": "http"}], resources=APP_RESOURCES,
                       env=[{"name": "ASPNETCORE_URLS", "value": "http://+:8080"}, {"name": "LEDGER_URL", "value": "http://ledger-writer.ledger.svc:8080"}],
                       sc=RESTRICTED_SC,
                       mounts=[{"mountPath": "/mnt/secrets-store", "name": "secrets-store", "readOnly": True},
                               {"mountPath": "/tmp", "name": "tmp"}])],
            sa="payments-api", automount=False, pod_sc={"fsGroup": 10001, "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            volumes=[csi_volume("payments-kv"), {"emptyDir": {}, "name": "tmp"}]))

    old = []
    if snap >= 1:
        old = [(3, payments_template(f"{reg}/payments/api:1.14.2"), "2026-11-20T09:30:11Z")]
    apps.deployment("payments-api", "payments", replicas=2, template=payments_template(payments_image),
                    revision=3 if snap == 0 else 4, created=tapp,
                    rollout_at="2026-11-20T09:30:11Z" if snap == 0 else "2026-11-27T13:05:44Z",
                    wi_client=wi_payments, old_revisions=old, last_applied=True)
    service(k, "payments-api", "payments", tapp, ports=[port("http", 80, "http")],
            selector={"app.kubernetes.io/name": "payments-api"}, cluster_ip="10.0.41.17", last_applied=True)
    ingress(k, "payments-api", "payments", tapp, class_name="webapprouting.kubernetes.azure.com",
            rules=[("payments.internal.contoso-payments.example", "/", "payments-api", 80)],
            tls=[(["payments.internal.contoso-payments.example"], "payments-tls")], lb_ip="10.20.0.200")
    netpol(k, "allow-from-app-routing", "payments", tapp, selector={"app.kubernetes.io/name": "payments-api"}, types=["Ingress"],
           ingress_rules=[{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "app-routing-system"}}}],
                           "ports": [{"port": 8080, "protocol": "TCP"}]}])
    spc(k, "payments-kv", "payments", tapp, vault="kv-payments-prod", client_id=wi_payments,
        objects=[("payments-db-connection", "secret"), ("payments-tls", "secret")],
        secret_objects=[{"data": [{"key": "tls.crt", "objectName": "payments-tls"}, {"key": "tls.key", "objectName": "payments-tls"}],
                         "secretName": "payments-tls", "type": "kubernetes.io/tls"}])
    secret(k, "payments-tls", "payments", tapp, ["tls.crt", "tls.key"], type_="kubernetes.io/tls",
           labels={"secrets-store.csi.k8s.io/managed": "true"},
           annotations=None)
    k.objs["secrets"][-1]["metadata"]["ownerReferences"] = [{"apiVersion": "secrets-store.csi.x-k8s.io/v1",
                                                             "kind": "SecretProviderClassPodStatus",
                                                             "name": "payments-api-pod-payments-payments-kv",
                                                             "uid": kuid("prod/spcps/payments")}]
    k.objs["secrets"][-1]["metadata"]["resourceVersion"] = rv_of(k.objs["secrets"][-1])
    configmap(k, "payments-api-config", "payments", tapp, {"FeatureFlags__NewLedger": "true", "Logging__LogLevel__Default": "Information"})
    role(k, "Role", "payments-deployer", "payments", tapp,
         [rule(["apps"], ["deployments", "replicasets"], ["get", "list", "watch", "patch", "update"]),
          rule([""], ["pods", "services", "configmaps"], ["get", "list", "watch"])])
    binding(k, "RoleBinding", "payments-deployer", "payments", tapp, "Role", "payments-deployer",
            [("Group", fguid("prod/group/payments-deployers"), None)], last_applied=True)
    binding(k, "RoleBinding", "payments-readers", "payments", tapp, "ClusterRole", "view",
            [("Group", fguid("prod/group/payments-oncall"), None)])

    # --- ledger namespace: StatefulSet + writer
    service_account(k, "ledger-db", "ledger", tapp, automount=False)
    service_account(k, "ledger-writer", "ledger", tapp, automount=False,
                    annotations={"azure.workload.identity/client-id": wi_payments, "azure.workload.identity/tenant-id": TENANT})
    db_tpl = apps.template({"app.kubernetes.io/name": "ledger-db"}, pod_spec(
        [container("postgres", f"{reg}/ledger/postgres:16.4-cbl", ports=[{"containerPort": 5432, "name": "postgres"}], resources=APP_RESOURCES,
                   sc={"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True, "runAsUser": 999},
                   env=[{"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
                        {"name": "POSTGRES_PASSWORD_FILE", "value": "/mnt/secrets-store/ledger-db-password"}],
                   mounts=[{"mountPath": "/var/lib/postgresql/data", "name": "data"},
                           {"mountPath": "/mnt/secrets-store", "name": "secrets-store", "readOnly": True}])],
        sa="ledger-db", automount=False, pod_sc={"fsGroup": 999, "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        volumes=[csi_volume("ledger-kv")]))
    apps.statefulset("ledger-db", "ledger", replicas=1, template=db_tpl, created=tapp, service="ledger-db")
    service(k, "ledger-db", "ledger", tapp, ports=[port("postgres", 5432, 5432)], selector={"app.kubernetes.io/name": "ledger-db"},
            cluster_ip=None, headless=True)
    writer_tpl = apps.template({"app.kubernetes.io/name": "ledger-writer", "azure.workload.identity/use": "true"}, pod_spec(
        [container("writer", f"{reg}/ledger/writer:3.2.0", ports=[{"containerPort": 8080, "name": "http"}], sc=RESTRICTED_SC)],
        sa="ledger-writer", automount=False, pod_sc={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}))
    apps.deployment("ledger-writer", "ledger", replicas=1, template=writer_tpl, revision=2, created=tapp, wi_client=wi_payments)
    service(k, "ledger-writer", "ledger", tapp, ports=[port("http", 8080, "http")], selector={"app.kubernetes.io/name": "ledger-writer"},
            cluster_ip="10.0.77.201")
    spc(k, "ledger-kv", "ledger", tapp, vault="kv-payments-prod", client_id=wi_payments, objects=[("ledger-db-password", "secret")])
    netpol(k, "allow-writer-to-db", "ledger", tapp, selector={"app.kubernetes.io/name": "ledger-db"}, types=["Ingress"],
           ingress_rules=[{"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "ledger-writer"}}}],
                           "ports": [{"port": 5432, "protocol": "TCP"}]}])

    # --- reporting namespace: CronJob with workload identity
    service_account(k, "reporting", "reporting", tapp, automount=False,
                    annotations={"azure.workload.identity/client-id": wi_reporting, "azure.workload.identity/tenant-id": TENANT})
    report_tpl = apps.template({"app.kubernetes.io/name": "nightly-report", "azure.workload.identity/use": "true"}, pod_spec(
        [container("report", f"{reg}/reporting/nightly:2026.11.2", sc=RESTRICTED_SC,
                   env=[{"name": "REPORT_CONTAINER", "value": "reports"}])],
        sa="reporting", automount=False, restart="OnFailure", pod_sc={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}))
    last_run = f"{when[:10]}T02:00:00Z"
    apps.cronjob("nightly-report", "reporting", schedule="0 2 * * *", template=report_tpl, last_run=last_run, created=tapp,
                 wi_client=wi_reporting)

    # --- the planted regression (snapshot 3)
    if snap >= 2:
        reg_time = "2026-11-28T23:41:07Z"
        service(k, "payments-api-debug", "payments", reg_time, type_="LoadBalancer",
                ports=[port("http", 80, "http", node_port=30417)], selector={"app.kubernetes.io/name": "payments-api"},
                cluster_ip="10.0.203.9", lb_ip="203.0.113.45",
                annotations={"contoso.example/ticket": "INC-4711 \u001b]0;pwned\u0007debug access \u202eexe.nigol"},
                last_applied=True)
        binding(k, "ClusterRoleBinding", "oncall-breakglass", None, reg_time, "ClusterRole", "cluster-admin",
                [("User", "oncall.contractor@contoso-payments.example", None)],
                annotations={"contoso.example/reason": "temporary \u001b[2J\u001b[31mbreak-glass\u001b[0m for INC-4711"},
                last_applied=True)
        binding(k, "RoleBinding", "debug-access", "payments", reg_time, "ClusterRole", "edit",
                [("User", "mallory\u001b]0;pwned\u0007\u202egpj.exe", None)])

    return {
        "cluster": cluster, "nodepools": nodepools, "acr": acr, "keyvaults": kvs, "private-endpoints": pes,
        "private-dns-zones": zones, "role-assignments": ras, "diagnostic-settings": diags,
    }, k, {"sub": sub, "rg": rg, "name": name, "principals": [uai["principalId"], kubelet["objectId"], wi_payments, wi_reporting],
           "vaults": ["kv-payments-prod", "kv-payments-prod-kms"], "zones": [(z["resourceGroup"], z["name"]) for z in zones],
           "pes": [(p["resourceGroup"], p["name"]) for p in pes]}


# --------------------------------------------------------------------------------------------
# Cluster 2: staging-typical

def staging_typical(snap, when):
    """snap 0..2. Regression at 1: new `search` namespace with a privileged indexer and no policy.
    Fix at 2: Defender enabled and the public storefront LoadBalancer made internal."""
    sub, rg, name, loc = "00000000-0000-0000-0000-000000000002", "rg-shop-staging", "aks-shop-staging", "northeurope"
    vnet = f"{rg_id(sub, rg)}/providers/Microsoft.Network/virtualNetworks/vnet-shop-staging"
    snet = vnet + "/subnets/snet-aks"
    node_rg = f"MC_{rg}_{name}_{loc}"
    law = f"/subscriptions/{sub}/resourceGroups/rg-shop-staging/providers/Microsoft.OperationalInsights/workspaces/law-shop-staging"
    kubelet = {"clientId": fguid("stg/kubelet/client"), "objectId": fguid("stg/kubelet/object"),
               "resourceId": f"/subscriptions/{sub}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}-agentpool"}
    principal = fguid("stg/cluster/principal")
    acr_name = "acrshopstaging"
    acr_id = f"{rg_id(sub, rg)}/providers/Microsoft.ContainerRegistry/registries/{acr_name}"
    reg = f"{acr_name}.azurecr.io"
    k8s = "1.33.5"
    img = "AKSUbuntu-2204gen2containerd-202611.03.0"
    pools = [
        pool_profile("system", mode="System", count=1, vm="Standard_D4s_v5", os_sku="Ubuntu", k8s=k8s, node_image=img, subnet=snet,
                     ssh="Disabled", os_disk="Managed", zones=None),
        pool_profile("apps", mode="User", count=1, vm="Standard_D4s_v5", os_sku="Ubuntu", k8s=k8s, node_image=img, subnet=snet,
                     ssh="LocalUser", os_disk="Managed", zones=None, autoscale=(1, 6)),
    ]
    sec = {"azureKeyVaultKms": None, "customCaTrustCertificates": None, "defender": None, "imageCleaner": None,
           "imageIntegrity": None, "nodeRestriction": None, "workloadIdentity": None}
    if snap >= 2:
        sec["defender"] = {"logAnalyticsWorkspaceResourceId": law, "securityMonitoring": {"enabled": True}}
    c = {
        "sub": sub, "rg": rg, "name": name, "location": loc, "k8s": k8s, "dnsPrefix": "aks-shop-staging",
        "disableLocalAccounts": False, "enableRbac": True, "pools": pools,
        "tags": {"environment": "staging", "owner": "shop-team"},
        "aad": {"adminGroupObjectIds": [fguid("stg/group/aks-admins")], "adminUsers": None, "clientAppId": None,
                "enableAzureRbac": False, "managed": True, "serverAppId": None, "serverAppSecret": None, "tenantId": TENANT},
        "addons": {
            "azureKeyvaultSecretsProvider": {"config": {"enableSecretRotation": "false", "rotationPollInterval": "2m"}, "enabled": True,
                                             "identity": addon_identity(sub, node_rg, f"azurekeyvaultsecretsprovider-{name}", "stg/csi")},
            "azurepolicy": {"config": None, "enabled": True, "identity": addon_identity(sub, node_rg, f"azurepolicy-{name}", "stg/policy")},
            "omsagent": {"config": {"logAnalyticsWorkspaceResourceID": law, "useAADAuth": "true"}, "enabled": True,
                         "identity": addon_identity(sub, node_rg, f"omsagent-{name}", "stg/oms")},
        },
        "apiserver": {"authorizedIpRanges": ["198.18.0.0/16", "203.0.113.10/32", "203.0.113.11/32", "198.51.100.7/32"],
                      "disableRunCommand": False, "enablePrivateCluster": False, "enablePrivateClusterPublicFqdn": None,
                      "enableVnetIntegration": None, "privateDnsZone": None, "subnetId": None},
        "autoupgrade": {"nodeOsUpgradeChannel": "NodeImage", "upgradeChannel": "patch"},
        "fqdn": f"aks-shop-staging-{fguid('stg/fqdn')[-8:]}.hcp.{loc}.azmk8s.io",
        "portalFqdn": f"aks-shop-staging-{fguid('stg/fqdn')[-8:]}.portal.hcp.{loc}.azmk8s.io",
        "identity": {"delegatedResources": None, "principalId": principal, "tenantId": TENANT, "type": "SystemAssigned",
                     "userAssignedIdentities": None},
        "identityProfile": {"kubeletidentity": kubelet},
        "linuxProfile": {"adminUsername": "azureuser", "ssh": {"publicKeys": [{"keyData": "ssh-rsa REDACTED-DEMO-PUBLIC-KEY demo@staging.example\n"}]}},
        "oidc": {"enabled": True, "issuerUrl": f"https://{loc}.oic.prod-aks.azure.com/{TENANT}/{fguid('stg/oidc')}/"},
        "network": {"advancedNetworking": None, "dnsServiceIp": "10.0.0.10", "ipFamilies": ["IPv4"],
                    "loadBalancerProfile": {"allocatedOutboundPorts": None, "backendPoolType": "nodeIPConfiguration",
                                            "effectiveOutboundIPs": [{"id": f"/subscriptions/{sub}/resourceGroups/{node_rg}/providers/Microsoft.Network/publicIPAddresses/{fguid('stg/outip')[-12:]}",
                                                                      "resourceGroup": node_rg}],
                                            "enableMultipleStandardLoadBalancers": None, "idleTimeoutInMinutes": None,
                                            "managedOutboundIPs": {"count": 1, "countIpv6": None}, "outboundIPs": None, "outboundIpPrefixes": None},
                    "loadBalancerSku": "standard", "natGatewayProfile": None, "networkDataplane": "azure", "networkMode": None,
                    "networkPlugin": "azure", "networkPluginMode": "overlay", "networkPolicy": "calico",
                    "outboundType": "loadBalancer", "podCidr": "10.244.0.0/16", "podCidrs": ["10.244.0.0/16"],
                    "serviceCidr": "10.0.0.0/16", "serviceCidrs": ["10.0.0.0/16"], "staticEgressGatewayProfile": None},
        "securityProfile": sec,
        "skuTier": "Free",
    }
    cluster = aks_show(c, snap)
    nodepools = [nodepool_list_item(p, sub, rg, name) for p in pools]
    acr = [acr_doc(sub=sub, rg=rg, name=acr_name, loc=loc, sku="Standard", admin=True, anon=False, public="Enabled",
                   default_action="Allow", pe_conns=[], created="2025-09-18T07:44:02.551027+00:00")]
    kv_id = f"{rg_id(sub, rg)}/providers/Microsoft.KeyVault/vaults/kv-shop-staging"
    kvs = [keyvault_doc(sub=sub, rg=rg, name="kv-shop-staging", loc=loc, rbac=False, soft_delete=True, purge=None, public="Enabled",
                        acl_default=None, pe_conns=[], created="2025-09-18T07:51:40.000Z",
                        access_policies=[
                            access_policy(fguid("stg/group/shop-devs"), ["get", "list", "set", "delete"], keys=["get", "list"]),
                            access_policy(fguid("stg/csi/object"), ["get"], certs=["get"]),
                        ])]
    created_ra = "2025-09-18T08:02:55.183004+00:00"
    ras = [
        role_assignment(sub=sub, principal_id=principal, principal_name=fguid("stg/cluster/app"), role="Contributor",
                        scope=rg_id(sub, rg), created=created_ra),
        role_assignment(sub=sub, principal_id=kubelet["objectId"], principal_name=kubelet["clientId"], role="AcrPull",
                        scope=acr_id, created=created_ra),
    ]
    cid = cluster["id"]
    diags = [diag_setting(cid=cid, rg=rg, name="aks-logs", workspace=law,
                          categories=[("kube-apiserver", True), ("kube-audit", False), ("kube-audit-admin", False),
                                      ("kube-controller-manager", False), ("kube-scheduler", False), ("cluster-autoscaler", True),
                                      ("guard", True), ("cloud-controller-manager", False)])]

    # ---------------- Kubernetes
    k = K8s("staging")
    t0 = "2025-09-18T08:10:27Z"
    tapp = "2025-10-02T11:31:50Z"
    nodes = [(f"aks-apps-{fguid('stg/vmss')[-8:]}-vmss00000{i}", f"10.60.0.{4 + i}") for i in range(1)]
    sysnodes = [(f"aks-system-{fguid('stg/vmss-sys')[-8:]}-vmss00000{i}", f"10.60.0.{30 + i}") for i in range(1)]
    apps = Apps(k, nodes, "10.244", t0)
    sysapps = Apps(k, sysnodes, "10.244", t0)
    sysapps.ip_counter = 700
    system_namespace_objects(k, sysapps, t0, coredns_image="mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.11.3-8",
                             extra_ns=["gatekeeper-system", "calico-system"])
    builtin_rbac(k, t0)
    binding(k, "ClusterRoleBinding", "aks-cluster-admin-binding-aad", None, t0, "ClusterRole", "cluster-admin",
            [("Group", fguid("stg/group/aks-admins"), None)],
            labels={"addonmanager.kubernetes.io/mode": "Reconcile", "kubernetes.io/cluster-service": "true"})

    ds_nodes = Apps(k, sysnodes + nodes, "10.60", t0)
    ds_nodes.ip_counter = 1000
    service_account(k, "kube-proxy", "kube-system", t0, labels={"addonmanager.kubernetes.io/mode": "Reconcile"})
    kp_tpl = ds_nodes.template({"component": "kube-proxy", "tier": "node"}, pod_spec(
        [container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.33.5-hotfix.20251015",
                   sc={"privileged": True}, mounts=[{"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}])],
        sa="kube-proxy", host_network=True, priority_class="system-node-critical",
        volumes=[{"hostPath": {"path": "/lib/modules", "type": ""}, "name": "lib-modules"}], tolerations=[{"operator": "Exists"}]))
    ds_nodes.daemonset("kube-proxy", "kube-system", template=kp_tpl, labels={"component": "kube-proxy", "tier": "node"})

    app_ns = ["shop-web", "shop-api", "shop-worker", "monitoring"] + (["search"] if snap >= 1 else [])
    for ns in app_ns:
        created = tapp if ns != "search" else "2026-11-27T15:02:33Z"
        namespace(k, ns, created, labels={"team": "shop"} if ns.startswith("shop") else None)
        service_account(k, "default", ns, created)
        configmap(k, "kube-root-ca.crt", ns, created, {"ca.crt": ROOT_CA_PLACEHOLDER},
                  annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."})
    for ns in ["shop-web", "shop-api"]:
        default_deny(k, ns, tapp)
        allow_dns(k, ns, tapp)
    netpol(k, "allow-web-to-api", "shop-api", tapp, selector={"app.kubernetes.io/name": "orders-api"}, types=["Ingress"],
           ingress_rules=[{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop-web"}}}]}])
    netpol(k, "allow-internet-to-storefront", "shop-web", tapp, selector={"app.kubernetes.io/name": "storefront"}, types=["Ingress"],
           ingress_rules=[{}])

    # shop-web: storefront with a public LoadBalancer (fixed at snap 2)
    service_account(k, "storefront", "shop-web", tapp)
    sf_tpl = apps.template({"app.kubernetes.io/name": "storefront", "app.kubernetes.io/part-of": "shop-web"}, pod_spec(
        [container("web", f"{reg}/shop/storefront:5.8.1", ports=[{"containerPort": 3000, "name": "http"}],
                   env=[{"name": "API_BASE_URL", "value": "http://orders-api.shop-api.svc"}, {"name": "NODE_ENV", "value": "production"}],
                   sc={"allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 1000})],
        sa="storefront"))
    apps.deployment("storefront", "shop-web", replicas=1, template=sf_tpl, revision=7, created=tapp,
                    rollout_at="2026-11-18T10:12:40Z")
    if snap < 2:
        service(k, "storefront", "shop-web", tapp, type_="LoadBalancer", ports=[port("http", 80, "http", node_port=32080)],
                selector={"app.kubernetes.io/name": "storefront"}, cluster_ip="10.0.150.12", lb_ip="198.51.100.80", last_applied=True)
    else:
        service(k, "storefront", "shop-web", tapp, type_="LoadBalancer", ports=[port("http", 80, "http", node_port=32080)],
                selector={"app.kubernetes.io/name": "storefront"}, cluster_ip="10.0.150.12", lb_ip="10.60.0.250",
                annotations={"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}, last_applied=True)
    ingress(k, "storefront", "shop-web", tapp, class_name="nginx",
            rules=[("shop.staging.contoso-shop.example", "/", "storefront", 80)],
            tls=[(["shop.staging.contoso-shop.example"], "storefront-tls")], lb_ip="198.51.100.81",
            annotations={"cert-manager.io/cluster-issuer": "letsencrypt-staging"})
    ingress(k, "admin-ui", "shop-web", tapp, class_name="nginx",
            rules=[("admin.staging.contoso-shop.example", "/", "storefront", 80)], lb_ip="198.51.100.81")
    secret(k, "storefront-tls", "shop-web", tapp, ["tls.crt", "tls.key"], type_="kubernetes.io/tls",
           annotations={"cert-manager.io/certificate-name": "storefront-tls", "cert-manager.io/issuer-name": "letsencrypt-staging"})

    # shop-api: orders-api reads the DB password from a Secret via env (SEC-04), CSI SPC without WI
    service_account(k, "orders-api", "shop-api", tapp)
    orders_tpl = apps.template({"app.kubernetes.io/name": "orders-api", "app.kubernetes.io/part-of": "shop-api"}, pod_spec(
        [container("api", f"{reg}/shop/orders-api:2.19.0", ports=[{"containerPort": 8080, "name": "http"}],
                   env=[{"name": "DB_HOST", "value": "psql-shop-staging.postgres.database.azure.com"},
                        {"name": "DB_USER", "value": "orders"},
                        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password", "name": "orders-db"}}}],
                   sc={"allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 1000},
                   mounts=[{"mountPath": "/mnt/secrets-store", "name": "secrets-store", "readOnly": True}])],
        sa="orders-api", volumes=[csi_volume("orders-kv")]))
    apps.deployment("orders-api", "shop-api", replicas=1, template=orders_tpl, revision=12, created=tapp,
                    rollout_at="2026-11-21T15:40:02Z")
    service(k, "orders-api", "shop-api", tapp, ports=[port("http", 80, "http")], selector={"app.kubernetes.io/name": "orders-api"},
            cluster_ip="10.0.88.5")
    spc(k, "orders-kv", "shop-api", tapp, vault="kv-shop-staging", vm_identity=fguid("stg/csi/client"),
        objects=[("orders-api-signing-key", "key")])
    secret(k, "orders-db", "shop-api", tapp, ["password", "username"], last_applied=False)
    secret(k, "sh.helm.release.v1.orders-api.v12", "shop-api", "2026-11-21T15:40:01Z", ["release"], type_="helm.sh/release.v1",
           labels={"name": "orders-api", "owner": "helm", "status": "deployed", "version": "12"})
    configmap(k, "orders-api-config", "shop-api", tapp, {"PAYMENT_PROVIDER": "sandbox", "RETRY_LIMIT": "5"})

    # shop-worker: envFrom a secret, redis from docker.io, StatefulSet
    service_account(k, "worker", "shop-worker", tapp)
    worker_tpl = apps.template({"app.kubernetes.io/name": "order-worker"}, pod_spec(
        [container("worker", f"{reg}/shop/order-worker:2.19.0", env_from=[{"secretRef": {"name": "worker-env"}}],
                   sc={"allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 1000})],
        sa="worker"))
    apps.deployment("order-worker", "shop-worker", replicas=1, template=worker_tpl, revision=9, created=tapp)
    secret(k, "worker-env", "shop-worker", tapp, ["QUEUE_CONNECTION", "SMTP_PASSWORD"])
    redis_tpl = apps.template({"app.kubernetes.io/name": "redis"}, pod_spec(
        [container("redis", "docker.io/bitnami/redis:7.4.2", ports=[{"containerPort": 6379, "name": "redis"}],
                   env=[{"name": "ALLOW_EMPTY_PASSWORD", "value": "yes"}],
                   mounts=[{"mountPath": "/bitnami/redis/data", "name": "data"}])],
        sa=None))
    apps.statefulset("redis", "shop-worker", replicas=1, template=redis_tpl, created=tapp, storage="4Gi")
    service(k, "redis", "shop-worker", tapp, ports=[port("redis", 6379, 6379)], selector={"app.kubernetes.io/name": "redis"},
            cluster_ip=None, headless=True)

    # monitoring: a CronJob
    service_account(k, "backup", "monitoring", tapp)
    backup_tpl = apps.template({"app.kubernetes.io/name": "config-backup"}, pod_spec(
        [container("backup", "mcr.microsoft.com/azure-cli:2.80.0", env=[{"name": "STORAGE_ACCOUNT", "value": "stshopstagingbackup"}])],
        sa="backup", restart="OnFailure"))
    apps.cronjob("config-backup", "monitoring", schedule="30 3 * * *", template=backup_tpl, last_run=f"{when[:10]}T03:30:00Z",
                 created=tapp)
    role(k, "Role", "backup-reader", "monitoring", tapp, [rule([""], ["configmaps", "secrets"], ["get", "list"])])
    binding(k, "RoleBinding", "backup-reader", "monitoring", tapp, "Role", "backup-reader", [("ServiceAccount", "backup", "monitoring")])
    binding(k, "RoleBinding", "shop-devs-edit", "shop-api", tapp, "ClusterRole", "edit", [("Group", fguid("stg/group/shop-devs"), None)])
    binding(k, "RoleBinding", "shop-devs-edit", "shop-web", tapp, "ClusterRole", "edit", [("Group", fguid("stg/group/shop-devs"), None)])

    # regression (snap >= 1): search namespace, privileged indexer, no network policy
    if snap >= 1:
        tsearch = "2026-11-27T15:02:33Z"
        service_account(k, "indexer", "search", tsearch)
        idx_tpl = apps.template({"app.kubernetes.io/name": "search-indexer"}, pod_spec(
            [container("indexer", f"{reg}/search/indexer:0.9.0-rc1", ports=[{"containerPort": 9200, "name": "http"}],
                       sc={"privileged": True, "allowPrivilegeEscalation": True},
                       env=[{"name": "ES_JAVA_OPTS", "value": "-Xms1g -Xmx1g"}],
                       mounts=[{"mountPath": "/usr/share/indexer/data", "name": "data"}])],
            sa="indexer", volumes=[{"emptyDir": {}, "name": "data"}]))
        apps.deployment("search-indexer", "search", replicas=1, template=idx_tpl, revision=1, created=tsearch, last_applied=True)
        service(k, "search-indexer", "search", tsearch, ports=[port("http", 9200, "http")],
                selector={"app.kubernetes.io/name": "search-indexer"}, cluster_ip="10.0.61.90")

    return {
        "cluster": cluster, "nodepools": nodepools, "acr": acr, "keyvaults": kvs, "private-endpoints": [],
        "private-dns-zones": [], "role-assignments": ras, "diagnostic-settings": diags,
    }, k, {"sub": sub, "rg": rg, "name": name, "principals": [principal, kubelet["objectId"]],
           "vaults": ["kv-shop-staging"], "zones": [], "pes": []}


# --------------------------------------------------------------------------------------------
# Cluster 3: dev-neglected

def dev_neglected(snap, when):
    """snap 0..2. Fix at 1: the anonymous ClusterRoleBinding is removed.
    Regression at 2: ACR admin user switched on, cluster auto-upgrade set to none."""
    sub, rg, name, loc = "00000000-0000-0000-0000-000000000003", "rg-sandbox-dev", "aks-sandbox-dev", "eastus"
    node_rg = f"MC_{rg}_{name}_{loc}"
    sp_app = fguid("dev/sp/appid")
    sp_object = fguid("dev/sp/object")
    acr_name = "acrsandboxdev"
    acr_id = f"{rg_id(sub, rg)}/providers/Microsoft.ContainerRegistry/registries/{acr_name}"
    reg = f"{acr_name}.azurecr.io"
    k8s = "1.30.7"
    img = "AKSUbuntu-2204gen2containerd-202501.12.0"
    pools = [
        pool_profile("nodepool1", mode="System", count=1, vm="Standard_B4ms", os_sku="Ubuntu", k8s=k8s, node_image=img, subnet=None,
                     ssh="LocalUser", public_ip=True, os_disk="Managed", zones=None, max_pods=110),
    ]
    pools[0]["securityProfile"] = None
    c = {
        "sub": sub, "rg": rg, "name": name, "location": loc, "k8s": k8s, "dnsPrefix": "aks-sandbo-rg-sandbox-dev-0000",
        "disableLocalAccounts": False, "enableRbac": True, "pools": pools,
        "tags": {},
        "aad": None,
        "addons": None,
        "apiserver": None,
        "autoupgrade": {"nodeOsUpgradeChannel": "None", "upgradeChannel": "patch" if snap < 2 else "none"},
        "fqdn": f"aks-sandbo-rg-sandbox-dev-0000-{fguid('dev/fqdn')[-8:]}.hcp.{loc}.azmk8s.io",
        "portalFqdn": f"aks-sandbo-rg-sandbox-dev-0000-{fguid('dev/fqdn')[-8:]}.portal.hcp.{loc}.azmk8s.io",
        "identity": None,
        "identityProfile": None,
        "spProfile": {"clientId": sp_app, "secret": None},
        "linuxProfile": {"adminUsername": "azureuser", "ssh": {"publicKeys": [{"keyData": "ssh-rsa REDACTED-DEMO-PUBLIC-KEY dev@laptop.example\n"}]}},
        "oidc": {"enabled": False, "issuerUrl": None},
        "podIdentityProfile": {"allowNetworkPluginKubenet": True, "enabled": True,
                               "userAssignedIdentities": [{"bindingSelector": "sandbox-identity", "identity": {
                                   "clientId": fguid("dev/podid/client"), "objectId": fguid("dev/podid/object"),
                                   "resourceId": f"{rg_id(sub, rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-sandbox-app"},
                                   "name": "sandbox-identity", "namespace": "sandbox", "provisioningInfo": None, "provisioningState": "Assigned"}],
                               "userAssignedIdentityExceptions": None},
        "network": {"advancedNetworking": None, "dnsServiceIp": "10.0.0.10", "ipFamilies": ["IPv4"],
                    "loadBalancerProfile": {"allocatedOutboundPorts": None, "backendPoolType": "nodeIPConfiguration",
                                            "effectiveOutboundIPs": [{"id": f"/subscriptions/{sub}/resourceGroups/{node_rg}/providers/Microsoft.Network/publicIPAddresses/{fguid('dev/outip')[-12:]}",
                                                                      "resourceGroup": node_rg}],
                                            "enableMultipleStandardLoadBalancers": None, "idleTimeoutInMinutes": None,
                                            "managedOutboundIPs": {"count": 1, "countIpv6": None}, "outboundIPs": None, "outboundIpPrefixes": None},
                    "loadBalancerSku": "standard", "natGatewayProfile": None, "networkDataplane": None, "networkMode": None,
                    "networkPlugin": "kubenet", "networkPluginMode": None, "networkPolicy": "none",
                    "outboundType": "loadBalancer", "podCidr": "10.244.0.0/16", "podCidrs": ["10.244.0.0/16"],
                    "serviceCidr": "10.0.0.0/16", "serviceCidrs": ["10.0.0.0/16"], "staticEgressGatewayProfile": None},
        "securityProfile": {"azureKeyVaultKms": None, "customCaTrustCertificates": None, "defender": None, "imageCleaner": None,
                            "imageIntegrity": None, "nodeRestriction": None, "workloadIdentity": None},
        "skuTier": "Free",
    }
    cluster = aks_show(c, snap)
    nodepools = [nodepool_list_item(p, sub, rg, name) for p in pools]
    acr = [acr_doc(sub=sub, rg=rg, name=acr_name, loc=loc, sku="Standard", admin=snap >= 2, anon=True, public="Enabled",
                   default_action="Allow", pe_conns=[], created="2024-06-03T16:20:11.902113+00:00")]
    kvs = [keyvault_doc(sub=sub, rg=rg, name="kv-sandbox-dev", loc=loc, rbac=False, soft_delete=True, purge=None, public="Enabled",
                        acl_default="Allow", pe_conns=[], created="2024-06-03T16:31:09.000Z",
                        access_policies=[access_policy(sp_object, ["get", "list", "set", "delete", "purge"], keys=["get", "list", "create"],
                                                       certs=["get", "list"])])]
    ras = [
        role_assignment(sub=sub, principal_id=sp_object, principal_name=sp_app, role="Contributor", scope=sub_id(sub),
                        created="2024-06-03T16:02:44.771532+00:00"),
        role_assignment(sub=sub, principal_id=sp_object, principal_name=sp_app, role="AcrPull", scope=acr_id,
                        created="2024-06-03T16:25:51.110438+00:00"),
    ]

    # ---------------- Kubernetes
    k = K8s("dev")
    t0 = "2024-06-03T16:12:30Z"
    tapp = "2024-07-15T09:03:27Z"
    nodes = [(f"aks-nodepool1-{fguid('dev/vmss')[-8:]}-vmss00000{i}", f"10.224.0.{4 + i}") for i in range(1)]
    apps = Apps(k, nodes, "10.244", t0)
    system_namespace_objects(k, apps, t0, coredns_image="mcr.microsoft.com/oss/kubernetes/coredns:v1.9.4-hotfix.20240704")
    builtin_rbac(k, t0)

    service_account(k, "kube-proxy", "kube-system", t0, labels={"addonmanager.kubernetes.io/mode": "Reconcile"})
    kp_tpl = apps.template({"component": "kube-proxy", "tier": "node"}, pod_spec(
        [container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.7",
                   sc={"privileged": True}, mounts=[{"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}])],
        sa="kube-proxy", host_network=True, priority_class="system-node-critical",
        volumes=[{"hostPath": {"path": "/lib/modules", "type": ""}, "name": "lib-modules"}], tolerations=[{"operator": "Exists"}]))
    apps.daemonset("kube-proxy", "kube-system", template=kp_tpl, labels={"component": "kube-proxy", "tier": "node"})
    service_account(k, "nmi", "kube-system", t0, labels={"kubernetes.azure.com/managedby": "aks"})
    nmi_tpl = apps.template({"component": "nmi", "tier": "node", "kubernetes.azure.com/managedby": "aks"}, pod_spec(
        [container("nmi", "mcr.microsoft.com/oss/azure/aad-pod-identity/nmi:v1.8.17",
                   sc={"capabilities": {"add": ["NET_ADMIN"], "drop": ["ALL"]}, "runAsUser": 0},
                   mounts=[{"mountPath": "/run/xtables.lock", "name": "iptableslock"},
                           {"mountPath": "/etc/kubernetes/azure.json", "name": "kubelet-config", "readOnly": True}])],
        sa="nmi", host_network=True, priority_class="system-node-critical",
        volumes=[{"hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}, "name": "iptableslock"},
                 {"hostPath": {"path": "/etc/kubernetes/azure.json", "type": ""}, "name": "kubelet-config"}],
        tolerations=[{"operator": "Exists"}]))
    apps.daemonset("nmi", "kube-system", template=nmi_tpl, labels={"component": "nmi", "tier": "node"})

    namespace(k, "sandbox", tapp)
    service_account(k, "default", "sandbox", tapp)
    configmap(k, "kube-root-ca.crt", "sandbox", tapp, {"ca.crt": ROOT_CA_PLACEHOLDER},
              annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."})

    # default namespace in use: nginx from docker.io with a NodePort
    web_tpl = apps.template({"app": "web"}, pod_spec(
        [container("nginx", "docker.io/library/nginx:1.25", ports=[{"containerPort": 80}])], sa=None))
    apps.deployment("web", "default", replicas=1, template=web_tpl, revision=3, created=tapp, labels={"app": "web"}, selector={"app": "web"})
    service(k, "web", "default", tapp, type_="NodePort", ports=[{"nodePort": 30080, "port": 80, "protocol": "TCP", "targetPort": 80}],
            selector={"app": "web"}, cluster_ip="10.0.12.34", last_applied=True)
    service(k, "grafana", "default", tapp, type_="LoadBalancer", ports=[port("http", 80, 3000, node_port=31300)],
            selector={"app": "grafana"}, cluster_ip="10.0.54.3", lb_ip="192.0.2.120")
    grafana_tpl = apps.template({"app": "grafana"}, pod_spec(
        [container("grafana", "docker.io/grafana/grafana:10.4.2", ports=[{"containerPort": 3000}],
                   env=[{"name": "GF_SECURITY_ADMIN_PASSWORD", "value": PLACEHOLDER},
                        {"name": "GF_AUTH_ANONYMOUS_ENABLED", "value": "true"}])], sa=None))
    apps.deployment("grafana", "default", replicas=1, template=grafana_tpl, revision=1, created=tapp, labels={"app": "grafana"}, selector={"app": "grafana"})

    # sandbox namespace: credential literals, hostPath to azure.json, privileged, pod identity label
    service_account(k, "tools", "sandbox", tapp)
    service_account(k, "ci-deployer", "sandbox", tapp,
                    annotations={"kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"annotations":{},"name":"ci-deployer","namespace":"sandbox"}}\n'})
    api_tpl = apps.template({"app": "api", "aadpodidbinding": "sandbox-identity"}, pod_spec(
        [container("api", f"{reg}/sandbox/api:latest", ports=[{"containerPort": 8080}],
                   env=[{"name": "DB_HOST", "value": "sandbox-db.default.svc"},
                        {"name": "DB_PASSWORD", "value": PLACEHOLDER},
                        {"name": "STRIPE_API_KEY", "value": PLACEHOLDER},
                        {"name": "JWT_SIGNING_SECRET", "value": PLACEHOLDER}],
                   env_from=[{"configMapRef": {"name": "api-settings"}}])], sa=None))
    apps.deployment("api", "sandbox", replicas=1, template=api_tpl, revision=14, created=tapp, labels={"app": "api"},
                    rollout_at="2026-10-30T18:22:05Z", last_applied=True, selector={"app": "api"})
    configmap(k, "api-settings", "sandbox", tapp, {"LOG_LEVEL": "debug", "db_password": PLACEHOLDER,
                                                    "connection_string": f"Server=sandbox-db;User Id=sa;Password={PLACEHOLDER};"},
              annotations={"kubectl.kubernetes.io/last-applied-configuration": json.dumps(
                  {"apiVersion": "v1", "data": {"LOG_LEVEL": "debug", "db_password": PLACEHOLDER},
                   "kind": "ConfigMap", "metadata": {"annotations": {}, "name": "api-settings", "namespace": "sandbox"}},
                  separators=(",", ":"), sort_keys=True) + "\n"})
    dbg_tpl = apps.template({"app": "debug-tools"}, pod_spec(
        [container("shell", "docker.io/nicolaka/netshoot:v0.13", sc={"privileged": True},
                   mounts=[{"mountPath": "/host/azure.json", "name": "azure-json", "readOnly": True},
                           {"mountPath": "/host/root", "name": "host-root"}])],
        sa="tools", host_network=True, host_pid=True,
        volumes=[{"hostPath": {"path": "/etc/kubernetes/azure.json", "type": "File"}, "name": "azure-json"},
                 {"hostPath": {"path": "/", "type": ""}, "name": "host-root"}]))
    apps.deployment("debug-tools", "sandbox", replicas=1, template=dbg_tpl, revision=2, created="2025-03-12T13:40:00Z",
                    labels={"app": "debug-tools"}, selector={"app": "debug-tools"})
    secret(k, "api-legacy-creds", "sandbox", tapp, ["password", "username"], last_applied=True)
    secret(k, "acr-pull", "sandbox", tapp, [".dockerconfigjson"], type_="kubernetes.io/dockerconfigjson")
    cleanup_tpl = apps.template({"app": "cleanup"}, pod_spec(
        [container("cleanup", "docker.io/bitnami/kubectl:1.30", env=[{"name": "TARGET_NAMESPACE", "value": "sandbox"}])],
        sa="ci-deployer", restart="OnFailure"))
    apps.cronjob("cleanup", "sandbox", schedule="0 */6 * * *", template=cleanup_tpl, last_run=f"{when[:10]}T06:00:00Z", created=tapp)

    # RBAC: cluster-admin to a User and to a ServiceAccount, wildcard role bound to an SA, anonymous binding
    binding(k, "ClusterRoleBinding", "dev-admins", None, "2024-06-03T17:05:12Z", "ClusterRole", "cluster-admin",
            [("User", "alice@contoso-dev.example", None), ("User", "bob@contoso-dev.example", None)], last_applied=True)
    binding(k, "ClusterRoleBinding", "ci-deployer-admin", None, tapp, "ClusterRole", "cluster-admin",
            [("ServiceAccount", "ci-deployer", "sandbox")], last_applied=True)
    role(k, "ClusterRole", "sandbox-superuser", None, tapp,
         [rule(["*"], ["*"], ["*"]), rule([""], ["pods/exec"], ["create"])])
    binding(k, "ClusterRoleBinding", "sandbox-superuser", None, tapp, "ClusterRole", "sandbox-superuser",
            [("ServiceAccount", "tools", "sandbox")])
    role(k, "ClusterRole", "healthz-reader", None, tapp, [{"nonResourceURLs": ["/healthz", "/metrics"], "verbs": ["get"]},
                                                           rule([""], ["pods", "services"], ["get", "list"])])
    if snap < 1:
        binding(k, "ClusterRoleBinding", "anonymous-health", None, tapp, "ClusterRole", "healthz-reader",
                [("User", "system:anonymous", None)], last_applied=True)
    binding(k, "RoleBinding", "default-edit", "sandbox", tapp, "ClusterRole", "edit", [("ServiceAccount", "default", "sandbox")])

    return {
        "cluster": cluster, "nodepools": nodepools, "acr": acr, "keyvaults": kvs, "private-endpoints": [],
        "private-dns-zones": [], "role-assignments": ras, "diagnostic-settings": [],
    }, k, {"sub": sub, "rg": rg, "name": name, "principals": [sp_app], "vaults": ["kv-sandbox-dev"], "zones": [], "pes": []}


# --------------------------------------------------------------------------------------------
# Writing bundles

RESOURCES = ["namespaces", "serviceaccounts", "pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs",
             "cronjobs", "services", "ingresses", "networkpolicies", "roles", "rolebindings", "clusterroles",
             "clusterrolebindings", "secrets", "configmaps", "secretproviderclasses"]

AZ_FILES = [  # (source kind, file, key in docs)
    ("cluster", "cluster.json", "cluster"),
    ("nodePools", "nodepools.json", "nodepools"),
    ("registries", "acr.json", "acr"),
    ("keyVaults", "keyvaults.json", "keyvaults"),
    ("privateEndpoints", "private-endpoints.json", "private-endpoints"),
    ("privateDNSZones", "private-dns-zones.json", "private-dns-zones"),
    ("roleAssignments", "role-assignments.json", "role-assignments"),
    ("diagnosticSettings", "diagnostic-settings.json", "diagnostic-settings"),
]


def az_dump(obj):
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def kubectl_dump(items):
    return json.dumps({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}},
                      indent=4, ensure_ascii=True) + "\n"


def commands_for(src, info):
    s = ["--subscription", info["sub"]]
    rg, name = info["rg"], info["name"]
    if src == "cluster":
        return [["az", "aks", "show", "-g", rg, "-n", name, "-o", "json", *s]]
    if src == "nodePools":
        return [["az", "aks", "nodepool", "list", "-g", rg, "--cluster-name", name, "-o", "json", *s]]
    if src == "registries":
        return [["az", "acr", "list", "-o", "json", *s]]
    if src == "keyVaults":
        return [["az", "keyvault", "list", "-o", "json", *s]] + [["az", "keyvault", "show", "-n", v, "-o", "json", *s] for v in info["vaults"]]
    if src == "privateEndpoints":
        return [["az", "network", "private-endpoint", "list", "-o", "json", *s]] + [
            ["az", "network", "private-endpoint", "dns-zone-group", "list", "-g", g, "--endpoint-name", n, "-o", "json", *s] for g, n in info["pes"]]
    if src == "privateDNSZones":
        return [["az", "network", "private-dns", "zone", "list", "-o", "json", *s]] + [
            ["az", "network", "private-dns", "link", "vnet", "list", "-g", g, "-z", z, "-o", "json", *s] for g, z in info["zones"]]
    if src == "roleAssignments":
        return [["az", "role", "assignment", "list", "--all", "--assignee", p, "-o", "json", *s] for p in info["principals"]]
    if src == "diagnosticSettings":
        cid = cluster_id(info["sub"], rg, name)
        return [["az", "monitor", "diagnostic-settings", "list", "--resource", cid, "-o", "json", *s]]
    raise KeyError(src)


def write_bundle(root, cluster_dir, stamp, docs, k, info, *, layout, failures=None, kind_failures=None):
    failures = failures or {}
    kind_failures = kind_failures or {}
    d = os.path.join(root, cluster_dir, stamp)
    os.makedirs(d)
    collected_at = f"{stamp[:10]}T{stamp[11:13]}:{stamp[13:15]}:00Z"
    sources = []
    for src, fname, key in AZ_FILES:
        cmds = commands_for(src, info)
        entry = {"source": src, "file": fname, "command": cmds[0]}
        if len(cmds) > 1:
            entry["commands"] = cmds
        if src in failures:
            entry["state"] = "failed"
            entry["error"] = failures[src]
        else:
            entry["state"] = "collected"
            with open(os.path.join(d, fname), "w") as f:
                f.write(az_dump(docs[key]))
        sources.append(dict(sorted(entry.items())))
    if layout == "single":
        items = []
        for r in RESOURCES:
            items.extend(k.objs.get(r, []))
        with open(os.path.join(d, "kubernetes.json"), "w") as f:
            f.write(kubectl_dump(items))
        cmd = ["kubectl", "get", ",".join(RESOURCES), "-A", "-o", "json"]
        sources.append({"command": cmd, "file": "kubernetes.json", "source": "kubernetes", "state": "collected"})
    else:
        os.makedirs(os.path.join(d, "kubernetes"))
        for r in RESOURCES:
            if r in kind_failures:
                continue
            with open(os.path.join(d, "kubernetes", f"{r}.json"), "w") as f:
                f.write(kubectl_dump(k.objs.get(r, [])))
        cmds = [["kubectl", "get", r, "-A", "-o", "json"] for r in RESOURCES]
        entry = {"command": cmds[0], "commands": cmds, "file": "kubernetes/", "source": "kubernetes", "state": "collected"}
        if kind_failures:
            entry["kindFailures"] = kind_failures
        sources.append(entry)
    collected = {"collectedAt": collected_at, "collector": COLLECTOR,
                 "tools": {"az": AZ_VERSION, "kubectl": f"Client Version: {KUBECTL_VERSION}"}, "sources": sources}
    with open(os.path.join(d, "collected.json"), "w") as f:
        f.write(json.dumps(collected, indent=2, ensure_ascii=True) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(here), "snapshots"))
    args = ap.parse_args()
    root = args.out
    if os.path.isdir(root):
        shutil.rmtree(root)
    os.makedirs(root)

    prod_stamps = ["2026-11-27T0800Z", "2026-11-28T0800Z", "2026-11-29T0800Z"]
    for i, stamp in enumerate(prod_stamps):
        docs, k, info = prod_hardened(i, stamp)
        write_bundle(root, "prod-hardened", stamp, docs, k, info, layout="split")

    staging_stamps = ["2026-11-27T0815Z", "2026-11-28T0815Z", "2026-11-29T0815Z"]
    for i, stamp in enumerate(staging_stamps):
        docs, k, info = staging_typical(i, stamp)
        write_bundle(root, "staging-typical", stamp, docs, k, info, layout="single")

    dev_stamps = ["2026-11-27T0830Z", "2026-11-28T0830Z", "2026-11-29T0830Z"]
    for i, stamp in enumerate(dev_stamps):
        docs, k, info = dev_neglected(i, stamp)
        failures = {}
        if i == 0:
            failures["roleAssignments"] = (
                "ERROR: (AuthorizationFailed) The client 'sp-aks-collector-dev' with object id '"
                + fguid("dev/collector") + "' does not have authorization to perform action "
                "'Microsoft.Authorization/roleAssignments/read' over scope '/subscriptions/" + info["sub"] + "'.")
        write_bundle(root, "dev-neglected", stamp, docs, k, info, layout="split", failures=failures,
                     kind_failures={"secretproviderclasses": 'error: the server doesn\'t have a resource type "secretproviderclasses"'})

    with open(os.path.join(root, "README.md"), "w") as f:
        f.write(SNAPSHOTS_README)


SNAPSHOTS_README = """# Demo snapshots

Generated by `Scripts/make-demo-snapshots.py` (deterministic; re-run it instead of editing these files).
Every cluster, id and name here is invented: GUIDs start with zeros, hosts end in `.example`, public IPs
come from the documentation ranges, and every secret-looking value is a placeholder
(`demo-not-a-secret` in base64, `REDACTED-DEMO`).

| cluster | snapshots | Kubernetes layout | story |
|---|---|---|---|
| `prod-hardened` | 3 (2026-11-27 … 29) | `kubernetes/<resource>.json` | hardened; fix on 11-28 (reporting namespace gets default-deny); regression on 11-29 (public LoadBalancer `payments/payments-api-debug`, `cluster-admin` bound to a User, hostile control/bidi characters in names) |
| `staging-typical` | 3 (2026-11-27 … 29) | one `kubernetes.json` List | middling; regression on 11-28 (new `search` namespace: privileged indexer, no NetworkPolicy); fix on 11-29 (Defender on, `storefront` LoadBalancer made internal) |
| `dev-neglected` | 3 (2026-11-27 … 29) | `kubernetes/<resource>.json`, `secretproviderclasses` failed | neglected; fix on 11-28 (anonymous ClusterRoleBinding removed; role assignments readable); regression on 11-29 (ACR admin user on, cluster auto-upgrade `none`) |
"""


if __name__ == "__main__":
    main()
