/** medsched is a native addon: the server loads it with Node's require, never bundles it
 * (the example takes the package from ../../bindings/node, outside node_modules, so it is
 * named as an external outright). */
module.exports = {
  webpack(config, { isServer }) {
    if (isServer) config.externals.push({ medsched: 'commonjs medsched' })
    return config
  },
}
