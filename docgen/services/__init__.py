"""Services the API and the job workers share: users and keys, who may see which case, cases,
sharing, jobs, approvals and bundles. They add and flush; the request or task commits."""
