/**
 * The crunch store: a site packed at build time into one deterministic file that ships inside
 * the appliance, and the {@link dev.morgana.types.kv.KvRo} that serves it.
 *
 * <p>Build time: {@link dev.morgana.crunch.CrunchBuilder#build} (or its command line) turns an
 * htdocs directory into a store file. Run time: {@link dev.morgana.crunch.CrunchStore#openResource}
 * loads it from the class path, {@link dev.morgana.crunch.CrunchStore#open} maps it from disk.
 * Both sides fail with a {@link dev.morgana.crunch.CrunchException} whose message names the file
 * or store at fault. The file format is described in {@code CrunchFormat}.
 */
package dev.morgana.crunch;
