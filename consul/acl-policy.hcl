# ACL policy of an alertmesh node: exactly what src/consul/ asks of Consul, nothing more.
#
# - key_prefix "alertmesh/" read: the config and the templates, read with blocking queries
#   (GET /v1/kv/alertmesh/config, GET /v1/kv/alertmesh/templates/?recurse).
# - key_prefix "alertmesh/status/" write: the node reports what it applied
#   (PUT /v1/kv/alertmesh/status/<node>); the longer prefix wins over the read rule above.
# - service "alertmesh" write: register, feed the TTL check, deregister
#   (PUT /v1/agent/service/register, /v1/agent/check/update/<check>,
#   /v1/agent/service/deregister/<id>); it implies read on the service for the peer query.
# - node_prefix "" read: the peer query (GET /v1/health/service/alertmesh?passing, blocking)
#   shows an instance only with read on the Consul node it is registered on.
#
# Not needed, so not granted:
# - service_prefix "" read: the health query filters each instance by read on its service
#   ("alertmesh", already granted by the write rule) and on its Consul node.
# - agent rights: the node calls no agent read endpoint (/v1/agent/self, /v1/agent/services);
#   registering through the agent needs only the service rule.
# - write on alertmesh/config or alertmesh/templates/: only operators change the config
#   (consul/acl-policy-operator.hcl).
# With another --consul.kv-prefix or --consul.service-name, change the names here too.
#
# Create the policy once, and one token per node (with a management token in CONSUL_HTTP_TOKEN):
#   consul acl policy create -name alertmesh-node -rules @consul/acl-policy.hcl
#   consul acl token create -description "alertmesh am1" -policy-name alertmesh-node \
#     -format json | jq -r .SecretID > consul.token
#   install -o alertmesh -g alertmesh -m 0400 consul.token /etc/alertmesh/consul.token
# and the operators' policy and tokens from consul/acl-policy-operator.hcl:
#   consul acl policy create -name alertmesh-operator -rules @consul/acl-policy-operator.hcl
#   consul acl token create -description "alertmesh operator" -policy-name alertmesh-operator
#
# test/e2e/deploy-consul.test.ts runs a cluster with exactly these rules and checks that each
# one is used.

key_prefix "alertmesh/" {
  policy = "read"
}

key_prefix "alertmesh/status/" {
  policy = "write"
}

service "alertmesh" {
  policy = "write"
}

node_prefix "" {
  policy = "read"
}
