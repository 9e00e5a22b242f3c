# What each alertmesh node registers in Consul, written as a Consul service definition for
# reference. Do NOT put this file into /etc/consul.d next to a running node: the node registers
# itself with its local agent (PUT /v1/agent/service/register) when it starts, feeds the TTL
# check while it is ready, and deregisters when it stops. A second, static registration of the
# same ID would be overwritten by the node's, and after the node stops it would linger as a
# critical instance.
#
# The node's flags decide the values (node am1 of systemd/alertmesh.env shown):
#   name                     --consul.service-name (default "alertmesh"); every node of a
#                            cluster uses the same one: the peers are its passing instances
#   id                       "<name>-<--node.name>"
#   address, port            the cluster (gossip) address: --cluster.advertise-address, else
#                            --cluster.listen-address
#   meta.cluster_address     the same as "host:port": what the peers dial
#   meta.node_name           --node.name
#   meta.web_url             --web.external-url (API and UI)
#   check.ttl                --consul.check-ttl (default 15s); the node sets the check passing
#                            every ttl/3 while it has a config and has settled, critical when
#                            not, so a node that hangs or is cut off from its agent turns
#                            critical after one ttl and leaves every peer's list
#   check.deregister_critical_service_after
#                            1m (Consul's minimum): Consul removes the instance of a node that
#                            died without deregistering
#
# The node's ACL rule `service "alertmesh" { policy = "write" }` (consul/acl-policy.hcl) is
# what allows this registration; with another --consul.service-name, change the rule too.
#
# test/e2e/deploy-consul.test.ts compares this file with what real nodes register.

service {
  id      = "alertmesh-am1"
  name    = "alertmesh"
  address = "10.0.0.11"
  port    = 9094
  meta = {
    cluster_address = "10.0.0.11:9094"
    node_name       = "am1"
    web_url         = "http://10.0.0.11:9093"
  }
  check {
    id                                = "service:alertmesh-am1:ttl"
    name                              = "alertmesh readiness"
    ttl                               = "15s"
    deregister_critical_service_after = "1m"
    # Critical until the node's first update: a node is nobody's peer before it is ready.
    status = "critical"
  }
}
