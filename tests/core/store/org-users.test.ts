import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('org users', ({ store }) => {
  const directory = [
    { id: 'priya', name: 'Priya Shah', extension: '201' },
    { id: 'sam', name: 'Sam Lee' },
    { id: 'al', name: 'al lower' },
  ]

  it('syncs to the directory: listed users active with their details, the others inactive but still named', async () => {
    await store().orgUsers.syncOrgUsers(directory)
    expect(await store().orgUsers.listOrgUsers()).toEqual([
      { id: 'priya', name: 'Priya Shah', extension: '201' },
      { id: 'sam', name: 'Sam Lee' },
      { id: 'al', name: 'al lower' },
    ])
    await store().orgUsers.syncOrgUsers([{ id: 'sam', name: 'Samuel Lee', extension: '202' }])
    expect(await store().orgUsers.listOrgUsers()).toEqual([{ id: 'sam', name: 'Samuel Lee', extension: '202' }])
    expect(await store().orgUsers.getOrgUser('priya')).toBeUndefined()
    expect(await store().orgUsers.orgUserName('priya')).toBe('Priya Shah')
    expect(await store().orgUsers.orgUserName('nobody')).toBeUndefined()
  })

  it('seeds only the users that are missing, changing nobody', async () => {
    await store().orgUsers.seedOrgUsers([{ id: 'priya', name: 'Priya Shah' }])
    await store().accounts.setUserActive('priya', false)
    await store().orgUsers.seedOrgUsers([
      { id: 'priya', name: 'Renamed' },
      { id: 'sam', name: 'Sam Lee' },
    ])
    expect(await store().orgUsers.orgUserName('priya')).toBe('Priya Shah')
    expect(await store().orgUsers.getOrgUser('priya')).toBeUndefined()
    expect(await store().orgUsers.getOrgUser('sam')).toEqual({ id: 'sam', name: 'Sam Lee' })
  })

  it('syncs an empty directory to nobody active', async () => {
    await store().orgUsers.syncOrgUsers(directory)
    await store().orgUsers.syncOrgUsers([])
    expect(await store().orgUsers.listOrgUsers()).toEqual([])
  })
})
