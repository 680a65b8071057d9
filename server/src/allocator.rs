//! One setting of glibc's allocator, made before the server allocates much.
//!
//! glibc serves allocations above its mmap threshold (128 KiB) with their own mappings, which
//! go back to the system when freed; but the first such free raises the threshold to that size
//! (up to 32 MiB), and from then on blocks that large come from the heap, which keeps what it
//! frees. Every argon2 hash allocates 19 MiB: measured with `scripts/auth-flood.py`, 300
//! concurrent registrations left the release server at 416 MiB with the dynamic threshold and
//! at 93 MiB with it fixed at 128 KiB. Fixing it costs each hash one fresh mapping.

/// Fixes the mmap threshold at glibc's default (128 KiB), which also turns off its dynamic
/// adjustment. A no-op elsewhere.
#[allow(unsafe_code)] // The workspace's one unsafe call, audited below.
pub fn keep_large_blocks_out_of_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const THRESHOLD_BYTES: libc::c_int = 128 * 1024;
        // SAFETY: mallopt only changes a tunable of the process's allocator and is safe to
        // call at any time; it returns 0 when it refuses the value, which is then only logged.
        let accepted = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD_BYTES) };
        if accepted == 0 {
            tracing::warn!("the allocator refused a fixed mmap threshold; large blocks may stay in its heap");
        }
    }
}
