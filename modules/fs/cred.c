// SPDX-License-Identifier: GPL-2.0
/*
 * The identities other nodes' requests run with (docs/design/omfs.md
 * §7.3), built the way nfsd_setuser() (fs/nfsd/auth.c) builds its
 * per-request creds: the server thread's own cred with the requester's
 * fsuid, fsgid and supplementary groups. Root is squashed to the overflow
 * ids unless this node's policy says OM_POLICY_NOROOTSQUASH; capabilities
 * are the file system ones the requester holds on its node, and only when
 * this node allows root; no other capability set survives.
 *
 * A registration keeps what the wire said. The kernel cred is made on
 * first use in a server thread, once per root-squash setting, so a policy
 * change applies to the next request without the client registering again.
 */
#include "srv.h"

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/highuid.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <openmosix/omcore.h>
#include <openmosix/omfs_wire.h>
#include <uapi/linux/openmosix.h>

struct omfs_srv_cred {
	refcount_t ref;
	struct mutex lock;		/* making built[] */
	kuid_t fsuid;
	kgid_t fsgid;
	u64 capmask;
	struct group_info *groups;	/* sorted */
	const struct cred *built[2];	/* [squashed]: referenced, or NULL */
};

static atomic_t omfs_srv_nr_creds = ATOMIC_INIT(0);

unsigned int omfs_srv_creds_alive(void)
{
	return atomic_read(&omfs_srv_nr_creds);
}

/*
 * A registration of @fsuid, @fsgid, the @ngroups gids of CRED's tail @gids
 * and @capmask (CAP_* bits). -EINVAL for an id no user namespace knows.
 */
struct omfs_srv_cred *omfs_srv_cred_new(u32 fsuid, u32 fsgid, u64 capmask,
					const u8 *gids, u32 ngroups)
{
	struct omfs_srv_cred *c;
	u32 i;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->fsuid = make_kuid(&init_user_ns, fsuid);
	c->fsgid = make_kgid(&init_user_ns, fsgid);
	c->capmask = capmask;
	/* Peer-sized, at most 64 Ki groups (256 KiB): the codec bounds it. */
	c->groups = groups_alloc(ngroups);
	if (!c->groups) {
		kfree(c);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < ngroups; i++)
		c->groups->gid[i] = make_kgid(&init_user_ns,
					      omfs_wire_get_u32_at(gids, i));
	if (!uid_valid(c->fsuid) || !gid_valid(c->fsgid))
		goto invalid;
	for (i = 0; i < ngroups; i++)
		if (!gid_valid(c->groups->gid[i]))
			goto invalid;
	groups_sort(c->groups);
	refcount_set(&c->ref, 1);
	mutex_init(&c->lock);
	atomic_inc(&omfs_srv_nr_creds);
	return c;

invalid:
	put_group_info(c->groups);
	kfree(c);
	return ERR_PTR(-EINVAL);
}

unsigned int omfs_srv_cred_ngroups(const struct omfs_srv_cred *c)
{
	return c->groups->ngroups;
}

void omfs_srv_cred_get(struct omfs_srv_cred *c)
{
	refcount_inc(&c->ref);
}

/* Any context but atomic: put_cred() and put_group_info() do not sleep. */
void omfs_srv_cred_put(struct omfs_srv_cred *c)
{
	if (!c || !refcount_dec_and_test(&c->ref))
		return;
	if (c->built[0])
		put_cred(c->built[0]);
	if (c->built[1])
		put_cred(c->built[1]);
	put_group_info(c->groups);
	mutex_destroy(&c->lock);
	kfree(c);
	atomic_dec(&omfs_srv_nr_creds);
}

static kgid_t omfs_srv_squash_gid(kgid_t gid, bool squash)
{
	if (squash && gid_eq(gid, GLOBAL_ROOT_GID))
		return make_kgid(&init_user_ns, overflowgid);
	return gid;
}

/* The supplementary groups as this node serves them: referenced. */
static struct group_info *omfs_srv_groups(struct omfs_srv_cred *c,
					  bool squash)
{
	struct group_info *gi;
	int i;

	/* Sorted: root's group, the smallest, would be first. */
	if (!squash || !c->groups->ngroups ||
	    !gid_eq(c->groups->gid[0], GLOBAL_ROOT_GID))
		return get_group_info(c->groups);
	gi = groups_alloc(c->groups->ngroups);
	if (!gi)
		return NULL;
	for (i = 0; i < c->groups->ngroups; i++)
		gi->gid[i] = omfs_srv_squash_gid(c->groups->gid[i], true);
	groups_sort(gi);
	return gi;
}

/* A copy of this thread's cred with the requester's identity. */
static const struct cred *omfs_srv_cred_build(struct omfs_srv_cred *c,
					      bool squash)
{
	kernel_cap_t fs = CAP_FS_SET;
	struct group_info *gi;
	struct cred *new;
	int cap;

	new = prepare_creds();
	if (!new)
		return NULL;
	new->fsuid = c->fsuid;
	if (squash && uid_eq(new->fsuid, GLOBAL_ROOT_UID))
		new->fsuid = make_kuid(&init_user_ns, overflowuid);
	new->fsgid = omfs_srv_squash_gid(c->fsgid, squash);
	/*
	 * The real and effective ids too: some checks read them rather than
	 * the fs ids (a FUSE mount's owner, a user namespace's owner), and the
	 * worker's are root's.
	 */
	new->uid = new->euid = new->suid = new->fsuid;
	new->gid = new->egid = new->sgid = new->fsgid;
	gi = omfs_srv_groups(c, squash);
	if (!gi) {
		abort_creds(new);
		return NULL;
	}
	set_groups(new, gi);
	put_group_info(gi);

	new->cap_effective = CAP_EMPTY_SET;
	new->cap_permitted = CAP_EMPTY_SET;
	new->cap_inheritable = CAP_EMPTY_SET;
	new->cap_bset = CAP_EMPTY_SET;
	new->cap_ambient = CAP_EMPTY_SET;
	if (!squash) {
		for (cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++) {
			if (!(c->capmask & BIT_ULL(cap)) || !cap_raised(fs, cap))
				continue;
			cap_raise(new->cap_effective, cap);
			cap_raise(new->cap_permitted, cap);
		}
	}
	return new;
}

/*
 * The cred a request of @c runs with under this node's policy now,
 * referenced (put_cred() it after revert_creds()); NULL: no memory. In a
 * server thread only: the cred is a copy of the thread's.
 */
const struct cred *omfs_srv_cred_use(struct omfs_srv_cred *c)
{
	bool squash = !(om_policy() & OM_POLICY_NOROOTSQUASH);
	const struct cred *cred;

	mutex_lock(&c->lock);
	if (!c->built[squash])
		c->built[squash] = omfs_srv_cred_build(c, squash);
	cred = c->built[squash] ? get_cred(c->built[squash]) : NULL;
	mutex_unlock(&c->lock);
	return cred;
}
